using System.Diagnostics;
using Fwatchdog.Calls;
using Fwatchdog.Execution;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>One forked function and the request it answers, prepared by <see cref="FunctionLauncher"/> for a responder.</summary>
internal sealed record FunctionCall(HttpContext Context, FunctionRun Run, Stream? Input, RunDeadlines Deadlines, long Started, RequestLog Log)
    : IAsyncDisposable
{
    public double ElapsedSeconds => Stopwatch.GetElapsedTime(Started).TotalSeconds;

    public async ValueTask DisposeAsync()
    {
        Run.Dispose();
        if (Input is not null)
            await Input.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// mode=classic or streaming, chosen once at start-up: drives a prepared call to its answer and
/// says how it ended; <see cref="CallFinisher"/> logs, counts and (if nothing was sent) answers it.
/// </summary>
internal interface IFunctionResponder
{
    Task<ForkOutcome> RespondAsync(FunctionCall call);
}
