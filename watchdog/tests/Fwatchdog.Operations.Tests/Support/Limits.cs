namespace Fwatchdog.Operations.Tests.Support;

/// <summary>Upper bounds for waits; generous because the machine has two cores and tests run in parallel.</summary>
internal static class Limits
{
    /// <summary>One HTTP call or a short command.</summary>
    public static readonly TimeSpan Quick = TimeSpan.FromSeconds(15);

    /// <summary>A watchdog after SIGTERM with a short healthcheck_interval.</summary>
    public static readonly TimeSpan Exit = TimeSpan.FromSeconds(20);

    /// <summary>Prometheus start-up, or its scrapes catching up with calls already made.</summary>
    public static readonly TimeSpan Prometheus = TimeSpan.FromSeconds(45);
}
