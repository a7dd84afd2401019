# Entry point the watchdog forks per request: the body on stdin goes to handler.handle(),
# its return value (if any) is the response body on stdout.
import sys

from function import handler


def main():
    body = sys.stdin.read()
    result = handler.handle(body)
    if result is not None:
        sys.stdout.write(str(result))


if __name__ == "__main__":
    main()
