// echo_upstream: the bench's Go function server for mode=http. It answers every request with 200 and
// the request body it read, under the request's Content-Type, so a POST through a proxy exercises
// the forwarding of the body both ways (nginx `return 200` discards it).
//
// usage: echo_upstream PORT   (listens on 127.0.0.1:PORT only)
// build: GO111MODULE=off go build -o DIR/echo_upstream bench/echo_upstream.go   (bench/run.sh does)
package main

import (
	"io"
	"log"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: echo_upstream PORT")
	}
	echo := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		_, _ = w.Write(body)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Args[1], http.HandlerFunc(echo)))
}
