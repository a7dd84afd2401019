using Fwatchdog.Configuration;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// <c>fwatchdog --run-healthcheck</c>: an exec probe for images without a shell or curl. Exit 0 while
/// the lock file exists (the watchdog accepts work), else 1 with Go's message and what it means.
/// </summary>
public static class HealthcheckCommand
{
    public static int Run()
    {
        var lockFile = new LockFile(LockFile.PathIn(EnvironmentConfiguration.TempDirectoryFrom(Environment.GetEnvironmentVariable)));
        if (lockFile.Exists)
            return 0;
        Console.Error.Write($"unable to find lock file.\n{lockFile.Path} is written once the watchdog accepts work and removed on SIGTERM (never with suppress_lock=true).\n");
        return 1;
    }
}
