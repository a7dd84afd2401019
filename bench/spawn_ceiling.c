/*
 * spawn_ceiling: the fastest a fork-per-request watchdog could possibly go on this machine.
 *
 * Each thread loops: posix_spawnp("cat") with stdin and stdout on pipes, write a small body,
 * close stdin, read stdout to EOF, waitpid. That is exactly the work the classic watchdog does per
 * request, minus HTTP. The per-spawn latencies give the single-thread time per spawn; the total
 * over all threads gives the throughput ceiling, and CPU time (ours plus the reaped children's) per
 * spawn gives a cost figure that other load on the machine hardly disturbs.
 *
 * usage: spawn_ceiling <threads> <seconds> <body-bytes>
 * prints one line of key=value pairs (times in microseconds) for bench/run.sh to parse.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Bounds, so a broken machine cannot make this loop forever or eat memory. */
#define MAX_THREADS 64
#define MAX_SPAWNS_PER_THREAD 2000000
#define MAX_SECONDS 120

struct worker {
    pthread_t thread;
    double seconds;
    const char *body;
    size_t body_len;
    double *latencies_us; /* one per completed spawn, room for `capacity` */
    long capacity;
    long count;
    int failed;
};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* One request's worth of work. Pipes are O_CLOEXEC so that children spawned concurrently by other
 * threads do not inherit our write end, which would hold off our EOF until they exit. */
static int spawn_cat_once(const char *body, size_t body_len)
{
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return -1;
    if (pipe2(out, O_CLOEXEC) != 0) { close(in[0]); close(in[1]); return -1; }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);

    char *argv[] = { "cat", NULL };
    pid_t pid;
    int rc = posix_spawnp(&pid, "cat", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    if (rc != 0) { close(in[1]); close(out[0]); return -1; }

    /* The body is far below the pipe buffer size, so writing it all before reading cannot block. */
    ssize_t written = write(in[1], body, body_len);
    close(in[1]);

    char buffer[4096];
    size_t total = 0;
    for (;;) {
        ssize_t n = read(out[0], buffer, sizeof buffer);
        if (n > 0) { total += (size_t)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        break;
    }
    close(out[0]);

    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (written != (ssize_t)body_len || total != body_len) return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void *run_worker(void *arg)
{
    struct worker *w = arg;
    double deadline = now_us() + w->seconds * 1e6;
    while (w->count < w->capacity) {
        double start = now_us();
        if (start >= deadline) break;
        if (spawn_cat_once(w->body, w->body_len) != 0) { w->failed++; if (w->failed > 100) break; continue; }
        w->latencies_us[w->count++] = now_us() - start;
    }
    return NULL;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s <threads> <seconds> <body-bytes>\n", argv[0]);
        return 2;
    }
    int threads = atoi(argv[1]);
    double seconds = atof(argv[2]);
    size_t body_len = (size_t)atol(argv[3]);
    if (threads < 1 || threads > MAX_THREADS || seconds <= 0 || seconds > MAX_SECONDS || body_len < 1 || body_len > 4096) {
        fprintf(stderr, "spawn_ceiling: threads 1..%d, seconds 0..%d, body 1..4096 bytes\n", MAX_THREADS, MAX_SECONDS);
        return 2;
    }

    char *body = malloc(body_len);
    memset(body, 'x', body_len);

    /* Latency buffers are sized for a generous 20k spawns/s per thread (real machines do a few
     * thousand), not the hard maximum, to stay small; a worker stops when its buffer is full. */
    long capacity = (long)(seconds * 20000) + 1000;
    if (capacity > MAX_SPAWNS_PER_THREAD) capacity = MAX_SPAWNS_PER_THREAD;

    struct worker workers[MAX_THREADS];
    double started = now_us();
    for (int i = 0; i < threads; i++) {
        workers[i] = (struct worker){ .seconds = seconds, .body = body, .body_len = body_len, .capacity = capacity };
        workers[i].latencies_us = malloc(sizeof(double) * (size_t)capacity);
        pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]);
    }
    long total = 0, failed = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(workers[i].thread, NULL);
        total += workers[i].count;
        failed += workers[i].failed;
    }
    double elapsed_s = (now_us() - started) / 1e6;

    double *all = malloc(sizeof(double) * (size_t)(total + 1));
    long k = 0;
    for (int i = 0; i < threads; i++)
        for (long j = 0; j < workers[i].count; j++) all[k++] = workers[i].latencies_us[j];
    qsort(all, (size_t)total, sizeof(double), compare_doubles);

    /* CPU spent by us and by every cat we reaped: unlike spawns/s, barely moved by other load. */
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    double cpu_us = 0;
    struct timeval *times[] = { &self.ru_utime, &self.ru_stime, &children.ru_utime, &children.ru_stime };
    for (int i = 0; i < 4; i++) cpu_us += times[i]->tv_sec * 1e6 + times[i]->tv_usec;

    double p50 = total ? all[total / 2] : 0;
    double p99 = total ? all[(long)(total * 0.99)] : 0;
    printf("threads=%d spawns=%ld failed=%ld seconds=%.3f per_second=%.1f p50_us=%.1f p99_us=%.1f cpu_us_per_spawn=%.1f\n",
           threads, total, failed, elapsed_s, total / elapsed_s, p50, p99, total ? cpu_us / total : 0);
    return total > 0 ? 0 : 1;
}
