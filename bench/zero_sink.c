/*
 * zero_sink: reads stdin to EOF and reports how many bytes came and whether any was not zero.
 *
 * Checks a generated all-zero response body at memory speed; hashing or cmp against a second
 * generator would make the client, not the watchdog, the bottleneck of the streaming figures.
 * prints: bytes=<n> nonzero=<0|1>
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    static char buffer[1 << 20], zeros[1 << 20];
    unsigned long long bytes = 0;
    int nonzero = 0;
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0) break;
        bytes += (unsigned long long)n;
        if (!nonzero && memcmp(buffer, zeros, (size_t)n) != 0) nonzero = 1;
    }
    printf("bytes=%llu nonzero=%d\n", bytes, nonzero);
    return 0;
}
