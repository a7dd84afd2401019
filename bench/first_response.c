/*
 * first_response: time from exec of a watchdog to its first 200 answer to a function call.
 *
 * For each run: pick a free loopback port, posix_spawn the watchdog with `port`/`metrics_port` set
 * (the rest of its configuration comes from our environment), then poll as tightly as is polite —
 * connect, POST a small body, read the status line — until a 200 comes back. The clock starts just
 * before the spawn, so the figure includes exec, runtime start-up, binding and the first fork of
 * the function: what a scale-from-zero caller actually waits for. The watchdog is then ended with
 * SIGKILL by its PID (it has nothing in flight by then, and a graceful drain would only slow us).
 *
 * Wall time swings with whatever else the machine runs; so at the first 200 we also read the CPU
 * time the watchdog's threads have used so far (the sum of /proc/<pid>/task/<tid>/schedstat's first
 * field, in ns: exact, unlike the 10 ms ticks of /proc/<pid>/stat) and its peak RSS (VmHWM). Both
 * hardly move with other load.
 *
 * usage: first_response <runs> <watchdog> [args...]
 * prints per-run figures and a summary line
 * `runs= ok= median_ms= min_ms= max_ms= median_cpu_ms= median_hwm_kib=`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_RUNS 50
#define START_TIMEOUT_MS 10000.0 /* a start slower than this counts as failed */
#define POLL_INTERVAL_US 200     /* between refused connects: short, without hogging a core */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int free_loopback_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t length = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &length) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

/* One attempt: returns the HTTP status, or -1 when nothing answered (not listening yet). */
static int try_request(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct timeval timeout = { .tv_sec = 5 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { close(fd); return -1; }

    static const char request[] =
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
        "Content-Length: 5\r\nConnection: close\r\n\r\nhello";
    int status = -1;
    if (send(fd, request, sizeof request - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof request - 1)) {
        char line[64] = { 0 };
        size_t have = 0;
        while (have < 12) { /* "HTTP/1.1 200" */
            ssize_t n = recv(fd, line + have, sizeof line - 1 - have, 0);
            if (n <= 0) break;
            have += (size_t)n;
        }
        if (have >= 12 && strncmp(line, "HTTP/1.", 7) == 0) status = atoi(line + 9);
    }
    close(fd);
    return status;
}

/* CPU time used so far by every live thread of pid, in milliseconds; negative when unreadable. */
static double cpu_ms_of(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *tasks = opendir(path);
    if (!tasks) return -1;
    double total_ns = 0;
    struct dirent *task;
    while ((task = readdir(tasks)) != NULL) {
        if (task->d_name[0] == '.') continue;
        char stat_path[320];
        snprintf(stat_path, sizeof stat_path, "/proc/%d/task/%s/schedstat", (int)pid, task->d_name);
        FILE *f = fopen(stat_path, "r");
        unsigned long long on_cpu_ns;
        if (!f) continue; /* the thread ended meanwhile */
        if (fscanf(f, "%llu", &on_cpu_ns) == 1) total_ns += (double)on_cpu_ns;
        fclose(f);
    }
    closedir(tasks);
    return total_ns / 1e6;
}

/* VmHWM of pid in KiB; negative when unreadable. */
static long peak_rss_kib_of(pid_t pid)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld", &kib) == 1) break;
    fclose(f);
    return kib;
}

struct start_sample { double wall_ms, cpu_ms; long hwm_kib; };

/* Fills *sample; returns 0 on success, -1 when no 200 came back in time. */
static int measure_one_start(char **watchdog_argv, struct start_sample *sample)
{
    int port = free_loopback_port(), metrics_port = free_loopback_port();
    if (port < 0 || metrics_port < 0) return -1;
    char value[16];
    snprintf(value, sizeof value, "%d", port);
    setenv("port", value, 1);
    snprintf(value, sizeof value, "%d", metrics_port);
    setenv("metrics_port", value, 1);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);

    double started = now_ms();
    pid_t pid;
    int rc = posix_spawn(&pid, watchdog_argv[0], &actions, NULL, watchdog_argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) { fprintf(stderr, "first_response: cannot start %s: %s\n", watchdog_argv[0], strerror(rc)); return -1; }

    double elapsed = -1;
    for (;;) {
        int status = try_request(port);
        double t = now_ms() - started;
        if (status == 200) {
            elapsed = t;
            sample->cpu_ms = cpu_ms_of(pid);
            sample->hwm_kib = peak_rss_kib_of(pid);
            break;
        }
        if (t > START_TIMEOUT_MS) break;
        if (waitpid(pid, NULL, WNOHANG) == pid) { pid = -1; break; } /* it died on us */
        usleep(POLL_INTERVAL_US);
    }
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    sample->wall_ms = elapsed;
    return elapsed >= 0 ? 0 : -1;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *values, int n)
{
    qsort(values, (size_t)n, sizeof(double), compare_doubles);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s <runs> <watchdog> [args...]\n", argv[0]);
        return 2;
    }
    int runs = atoi(argv[1]);
    if (runs < 1 || runs > MAX_RUNS) { fprintf(stderr, "first_response: runs 1..%d\n", MAX_RUNS); return 2; }

    double wall[MAX_RUNS], cpu[MAX_RUNS], hwm[MAX_RUNS];
    int ok = 0;
    for (int i = 0; i < runs; i++) {
        struct start_sample sample = { -1, -1, -1 };
        int rc = measure_one_start(argv + 2, &sample);
        printf("run %d: %.2f ms, cpu %.2f ms, VmHWM %ld KiB\n", i + 1, sample.wall_ms, sample.cpu_ms, sample.hwm_kib);
        if (rc == 0) {
            wall[ok] = sample.wall_ms;
            cpu[ok] = sample.cpu_ms;
            hwm[ok] = (double)sample.hwm_kib;
            ok++;
        }
    }
    if (ok == 0) { printf("runs=%d ok=0\n", runs); return 1; }
    double median = median_of(wall, ok); /* sorts wall: min and max follow */
    printf("runs=%d ok=%d median_ms=%.2f min_ms=%.2f max_ms=%.2f median_cpu_ms=%.2f median_hwm_kib=%.0f\n",
           runs, ok, median, wall[0], wall[ok - 1], median_of(cpu, ok), median_of(hwm, ok));
    return 0;
}
