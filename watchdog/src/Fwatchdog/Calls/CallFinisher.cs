using System.Diagnostics;
using Fwatchdog.Configuration;
using Fwatchdog.Http;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Fwatchdog.Calls;

/// <summary>
/// The one place a call to the function's paths ends, in every mode: it is counted in
/// function_executions_total, its end is logged in the Go watchdogs' words, and it is answered from
/// its <see cref="CallOutcome"/> when nothing was sent yet. Endpoints, responders and the forwarder
/// deliver the function's answer and return the outcome; none of them logs a call's end, counts it
/// or writes the watchdog's own answer. One instance serves every mode; each stage's part is a file
/// of its own (<c>CallFinisher.Fork.cs</c>, <c>.Forward.cs</c>, <c>.Files.cs</c>).
/// </summary>
/// <param name="abandoned">Told of each connection whose client left mid-call, so that Kestrel's parse of what it left behind is not logged as a malformed request.</param>
internal sealed partial class CallFinisher(WatchdogOptions options, IWatchdogMetrics metrics, ILogger log, AbandonedConnections abandoned)
{
    private readonly FailureReport _failures = new(options);

    /// <param name="started">The <see cref="Stopwatch"/> timestamp the request was received at.</param>
    public Task FinishAsync(HttpContext context, long started, in CallOutcome outcome)
    {
        if (outcome.ClientLeft && context.Connection.Id is { } connectionId)
            abandoned.Remember(connectionId);
        return FinishStageAsync(context, started, outcome);
    }

    private Task FinishStageAsync(HttpContext context, long started, in CallOutcome outcome) => outcome.Stage switch
    {
        CallStage.Refused => RefuseAsync(context, started, outcome.Refusal!),
        CallStage.Forked => FinishForkAsync(context, outcome),
        CallStage.Forwarded => FinishForwardAsync(context, started, outcome),
        CallStage.Served => FinishFileAsync(context, outcome.File),
        _ => throw new UnreachableException($"A call ended without a stage ({outcome.Stage})."),
    };

    /// <summary>Counted as rejected in every mode; logged as its <see cref="RefusalKind"/> says.</summary>
    private Task RefuseAsync(HttpContext context, long started, Refusal refusal)
    {
        metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);
        var response = context.Response;
        switch (refusal.Kind)
        {
            case RefusalKind.Request when refusal.Reason is not null:
                log.Warning("{reason}", refusal.Reason);
                break;
            case RefusalKind.Access:
                var request = context.Request;
                var callId = CallId.From(request);
                response.Headers[CallId.Header] = callId;
                // The Go middleware prints whole milliseconds ("(0s)", "(12ms)").
                var elapsed = TimeSpan.FromMilliseconds(Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds));
                new RequestLog(log, callId, request.Method, request.Path.Value ?? "/").AccessDenied(refusal.Status, GoDuration.Format(elapsed), refusal.Reason ?? "");
                break;
        }
        if (refusal.Header is var (name, value))
            response.Headers[name] = value;
        return PlainText.WriteAsync(context, refusal.Status, refusal.Text, refusal.InternalSource);
    }
}
