using System.Runtime.InteropServices;

namespace Fwatchdog.Execution.Native;

/// <summary>
/// The few glibc calls the execution layer needs. In the published static binary they bind at link
/// time (DirectPInvoke), so no dlopen happens in an empty root file system.
/// Struct sizes and constants are those of glibc on x86_64/aarch64 Linux.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    public const int EINTR = 4;
    public const int E2BIG = 7;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int ENOSPC = 28;
    public const int EPIPE = 32;
    public const int EOPNOTSUPP = 95;

    public const int O_CLOEXEC = 0x80000;
    public const int O_NONBLOCK = 0x800;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;

    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int SIGSTOP = 19;

    public const short POSIX_SPAWN_SETPGROUP = 0x02;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;

    /// <summary>sizeof(posix_spawn_file_actions_t), sizeof(posix_spawnattr_t), sizeof(sigset_t) with headroom.</summary>
    public const int FileActionsSize = 128;
    public const int SpawnAttrSize = 512;
    public const int SigSetSize = 128;

    public const int P_ALL = 0;
    public const int P_PID = 1;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x01000000;
    public const int WNOHANG = 1;

    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;

    /// <summary>fallocate: reserve blocks without changing the file's size.</summary>
    public const int FALLOC_FL_KEEP_SIZE = 1;

    public const int PR_SET_CHILD_SUBREAPER = 36;

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 1u << 31;


    [LibraryImport(Library, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    /// <summary>Returns only on failure (-1, errno set).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int execve(byte* path, byte** argv, byte** envp);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int fcntl(int fd, int command, int argument);


    [LibraryImport(Library, SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nuint count);

    // The posix_spawn* family returns an errno value (0 on success) instead of setting errno.
    [LibraryImport(Library)]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport(Library)]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport(Library)]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_init(void* attributes);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_destroy(void* attributes);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_setflags(void* attributes, short flags);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_setpgroup(void* attributes, int processGroup);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_setsigmask(void* attributes, void* signalSet);

    [LibraryImport(Library)]
    public static partial int posix_spawnattr_setsigdefault(void* attributes, void* signalSet);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int sigemptyset(void* signalSet);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int sigfillset(void* signalSet);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int sigdelset(void* signalSet, int signal);

    /// <summary>Returns an errno value (0 on success); exec failures such as ENOENT arrive here too.</summary>
    [LibraryImport(Library)]
    public static partial int posix_spawnp(int* pid, byte* file, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int waitid(int idType, int id, SigInfo* info, int options);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int eventfd(uint initialValue, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int fallocate(int fd, int mode, long offset, long length);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int epoll_ctl(int epollFd, int operation, int fd, byte* epollEvent);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int epoll_wait(int epollFd, byte* events, int maxEvents, int timeoutMilliseconds);
}
