/*
 * upload_burst: many large uploads at once, to measure what each in-flight upload costs the
 * watchdog in memory. Each of <uploads> threads connects to 127.0.0.1:<port>, POSTs <bytes> zeros
 * with a Content-Length (in 64 KiB writes, as fast as the watchdog takes them) and reads the answer,
 * which must be a 200 whose body is the byte count (fprocess="wc -c").
 *
 * usage: upload_burst <port> <uploads> <bytes>
 * prints `uploads= ok= seconds=`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_UPLOADS 1000

static int port;
static long long upload_bytes;
static int ok_count;
static pthread_mutex_t ok_lock = PTHREAD_MUTEX_INITIALIZER;

static int send_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);
        if (sent <= 0) return -1;
        data += sent;
        length -= (size_t)sent;
    }
    return 0;
}

static void *upload(void *unused)
{
    (void)unused;
    static const char zeros[64 * 1024];
    char request[256], answer[4096], expected[64];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) goto done;
    int length = snprintf(request, sizeof request,
        "POST / HTTP/1.1\r\nHost: bench\r\nContent-Length: %lld\r\nConnection: close\r\n\r\n", upload_bytes);
    if (send_all(fd, request, (size_t)length) != 0) goto done;
    for (long long left = upload_bytes; left > 0; left -= (long long)sizeof zeros) {
        size_t piece = left < (long long)sizeof zeros ? (size_t)left : sizeof zeros;
        if (send_all(fd, zeros, piece) != 0) goto done;
    }
    size_t have = 0;
    ssize_t got;
    while (have < sizeof answer - 1 && (got = recv(fd, answer + have, sizeof answer - 1 - have, 0)) > 0)
        have += (size_t)got;
    answer[have] = 0;
    snprintf(expected, sizeof expected, "\r\n\r\n%lld\n", upload_bytes);
    if (strncmp(answer, "HTTP/1.1 200", 12) == 0 && strstr(answer, expected) != NULL) {
        pthread_mutex_lock(&ok_lock);
        ok_count++;
        pthread_mutex_unlock(&ok_lock);
    }
done:
    if (fd >= 0) close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: upload_burst <port> <uploads> <bytes>\n");
        return 2;
    }
    port = atoi(argv[1]);
    int uploads = atoi(argv[2]);
    upload_bytes = atoll(argv[3]);
    if (uploads < 1 || uploads > MAX_UPLOADS || upload_bytes < 1) {
        fprintf(stderr, "upload_burst: 1..%d uploads of at least 1 byte\n", MAX_UPLOADS);
        return 2;
    }
    pthread_t threads[MAX_UPLOADS];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; i < uploads; i++)
        pthread_create(&threads[i], NULL, upload, NULL);
    for (int i = 0; i < uploads; i++)
        pthread_join(threads[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("uploads=%d ok=%d seconds=%.3f\n", uploads, ok_count,
           (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
