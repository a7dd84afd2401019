using System.Runtime.InteropServices;

namespace Fwatchdog.Testing;

/// <summary>Linux signal numbers and a direct <c>kill(2)</c>, so tests signal exactly one PID.</summary>
public static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGPIPE = 13;
    public const int SIGALRM = 14;
    public const int SIGTERM = 15;

    /// <summary>Sends <paramref name="signum"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Send(int pid, int signum)
    {
        if (pid <= 0)
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "Refusing to signal a process group or every process.");
        return Kill(pid, signum) == 0;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);
}
