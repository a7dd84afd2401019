/*
 * pdeathsig_cost: what PR_SET_PDEATHSIG through an exec shim would cost per function start.
 *
 * posix_spawn cannot run code in the child, so a parent-death signal needs a shim that the watchdog
 * spawns instead of the function: prctl(PR_SET_PDEATHSIG, SIGKILL), then exec the function. This
 * compares, in alternating blocks on one thread, `cat` spawned directly and through such a shim
 * (this same binary re-exec'd with --shim, statically linked so it is as small and quick as a
 * shim shipped inside the watchdog could be). Each start: three pipes, spawn, close stdin, read
 * stdout to EOF, waitpid — the watchdog's own sequence.
 *
 * build: cc -O2 -static -o pdeathsig_cost pdeathsig_cost.c
 * usage: pdeathsig_cost <starts per block> <blocks>
 * prints per-block microseconds per start (wall and CPU) and the medians of the blocks:
 * `direct_us= shim_us= overhead_pct= direct_cpu_us= shim_cpu_us= cpu_overhead_pct=`.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int start_and_wait(char *const argv[])
{
    int in[2], out[2], status;
    char buffer[4096];
    pid_t pid;
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    int error = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    close(in[1]);
    while (error == 0 && read(out[0], buffer, sizeof buffer) > 0) {}
    close(out[0]);
    if (error != 0 || waitpid(pid, &status, 0) != pid) return -1;
    return 0;
}

/* CPU time of this process and its reaped children: less disturbed by other load than wall time. */
static double cpu_us(void)
{
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return (self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec + children.ru_stime.tv_sec) * 1e6
        + self.ru_utime.tv_usec + self.ru_stime.tv_usec + children.ru_utime.tv_usec + children.ru_stime.tv_usec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--shim") == 0) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) _exit(127);
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    if (argc != 3) {
        fprintf(stderr, "usage: pdeathsig_cost <starts per block> <blocks>\n");
        return 2;
    }
    int starts = atoi(argv[1]), blocks = atoi(argv[2]);
    if (starts < 1 || blocks < 1 || blocks > 100) return 2;
    char self[4096];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0) return 1;
    self[length] = 0;
    char *direct[] = { "cat", NULL };
    char *shimmed[] = { self, "--shim", "cat", NULL };
    double direct_us[100], shim_us[100], direct_cpu[100], shim_cpu[100];
    for (int b = 0; b < blocks; b++) {
        for (int kind = 0; kind < 2; kind++) {
            double started = now_us(), cpu_started = cpu_us();
            for (int i = 0; i < starts; i++)
                if (start_and_wait(kind == 0 ? direct : shimmed) != 0) { fprintf(stderr, "start failed\n"); return 1; }
            double per_start = (now_us() - started) / starts;
            double cpu_per_start = (cpu_us() - cpu_started) / starts;
            (kind == 0 ? direct_us : shim_us)[b] = per_start;
            (kind == 0 ? direct_cpu : shim_cpu)[b] = cpu_per_start;
            printf("block %d %s: %.1f us per start, %.1f us CPU\n", b, kind == 0 ? "direct" : "shim", per_start, cpu_per_start);
        }
    }
    qsort(direct_us, blocks, sizeof(double), compare_doubles);
    qsort(shim_us, blocks, sizeof(double), compare_doubles);
    qsort(direct_cpu, blocks, sizeof(double), compare_doubles);
    qsort(shim_cpu, blocks, sizeof(double), compare_doubles);
    double d = direct_us[blocks / 2], s = shim_us[blocks / 2], dc = direct_cpu[blocks / 2], sc = shim_cpu[blocks / 2];
    printf("direct_us=%.1f shim_us=%.1f overhead_pct=%.1f direct_cpu_us=%.1f shim_cpu_us=%.1f cpu_overhead_pct=%.1f\n",
           d, s, (s - d) / d * 100, dc, sc, (sc - dc) / dc * 100);
    return 0;
}
