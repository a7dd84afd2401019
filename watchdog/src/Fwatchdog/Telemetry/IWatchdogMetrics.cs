namespace Fwatchdog.Telemetry;

/// <summary>How a function invocation ended, as counted by function_executions_total.</summary>
public enum ExecutionOutcome { Success, Error, Timeout, Killed, Rejected }

/// <summary>
/// Everything the watchdog reports about itself: the one seam between the code that observes and
/// the code that exposes (<see cref="PrometheusMetrics"/>), so callers are tested without an
/// exposition. (prometheus-net was measured and not adopted: README, "Metrics".)
/// </summary>
public interface IWatchdogMetrics
{
    void RequestStarted();

    /// <summary>One HTTP request to the function handler finished (any status).</summary>
    void RequestCompleted(string method, int statusCode, double seconds);

    /// <summary>One function invocation ended; <paramref name="exitCode"/> is null when it never exited by itself.</summary>
    void FunctionCompleted(ExecutionOutcome outcome, int? exitCode, double seconds, long bytesIn, long bytesOut);

    /// <summary>Writes the Prometheus text exposition format (version 0.0.4).</summary>
    void WriteTo(TextWriter writer);
}
