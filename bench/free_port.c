/*
 * free_port: prints a TCP port on 127.0.0.1 that nothing listens on right now.
 *
 * Binding to port 0 lets the kernel choose; the socket is closed before printing, so another
 * program could take the port in between, but on a benchmark machine that race is negligible
 * and far better than guessing ports.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = 0 };
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0
        || getsockname(fd, (struct sockaddr *)&address, &length) != 0) {
        perror("free_port");
        return 1;
    }
    close(fd);
    printf("%d\n", ntohs(address.sin_port));
    return 0;
}
