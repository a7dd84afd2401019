# Entry point the watchdog forks per request: the body on stdin goes to handler.handle(), and
# its return value (if any) is printed as the response body, a newline after it, as OpenFaaS's
# classic python3 template does, so its handlers answer here byte for byte as they did there.
import sys

from function import handler


def main():
    body = sys.stdin.read()
    result = handler.handle(body)
    if result is not None:
        print(result)


if __name__ == "__main__":
    main()
