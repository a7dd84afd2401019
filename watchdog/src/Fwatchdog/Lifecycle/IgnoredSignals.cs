using System.Runtime.InteropServices;
using Serilog;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// SIGUSR1, SIGUSR2 and SIGALRM end a process by default, which would take the watchdog down and
/// orphan its functions; the Go watchdog ignores them, and so does this one (with a log line, so an
/// operator who sent one learns why nothing happened). SIGPIPE is already ignored by the .NET
/// runtime. Functions still get every signal's default: posix_spawn resets them.
/// </summary>
public sealed class IgnoredSignals : IDisposable
{
    // Linux numbers, the same on x86-64 and aarch64; PosixSignal names only the portable signals.
    private static readonly (int Number, string Name)[] Ignored = [(10, "SIGUSR1"), (12, "SIGUSR2"), (14, "SIGALRM")];

    private readonly PosixSignalRegistration[] _registrations;

    public IgnoredSignals(ILogger log)
    {
        _registrations = Ignored
            .Select(signal => PosixSignalRegistration.Create((PosixSignal)signal.Number, context =>
            {
                context.Cancel = true;
                log.Information("{signal} ignored; the watchdog stops on SIGTERM, SIGINT, SIGHUP or SIGQUIT.", signal.Name);
            }))
            .ToArray();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }
}
