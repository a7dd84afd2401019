namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Upper bounds for waits. They are deliberately generous (a shared 2-core machine running tests
/// in parallel) and only ever cap a wait for an event; nothing here is used as a sleep.
/// </summary>
internal static class Limits
{
    /// <summary>Anything that should be effectively instant: a log line, a quick request.</summary>
    public static readonly TimeSpan Quick = TimeSpan.FromSeconds(15);

    /// <summary>Process exit after a signal or a short configured interval.</summary>
    public static readonly TimeSpan Exit = TimeSpan.FromSeconds(20);

    /// <summary>Requests that move tens or hundreds of MiB.</summary>
    public static readonly TimeSpan Bulk = TimeSpan.FromSeconds(90);
}
