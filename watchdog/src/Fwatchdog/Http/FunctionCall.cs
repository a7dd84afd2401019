using System.Diagnostics;
using Fwatchdog.Execution;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>One forked function and the request it answers, handed to a responder.</summary>
internal sealed record FunctionCall(HttpContext Context, FunctionRun Run, Stream? Input, TimeSpan Timeout, long Started, RequestLog Log)
{
    public double ElapsedSeconds => Stopwatch.GetElapsedTime(Started).TotalSeconds;

    /// <summary>The body was not read to its end within read_timeout, so the connection was closed.</summary>
    public bool InputTimedOut => Input is ReadDeadlineStream { Expired: true };
}

/// <summary>How a run ended, as function_* metrics.</summary>
internal static class OutcomeMetrics
{
    public static void Record(IWatchdogMetrics metrics, RunOutcome outcome, double seconds)
    {
        var (kind, exitCode) = outcome.End switch
        {
            RunEnd.Exited when outcome.Exit.Success => (ExecutionOutcome.Success, (int?)0),
            RunEnd.Exited => (ExecutionOutcome.Error, outcome.Exit.Signal == 0 ? outcome.Exit.Code : 256),
            RunEnd.TimedOut => (ExecutionOutcome.Timeout, null),
            _ => (ExecutionOutcome.Killed, null),
        };
        metrics.FunctionCompleted(kind, exitCode, seconds, outcome.BytesIn, outcome.BytesOut);
    }
}
