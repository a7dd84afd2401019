using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Fwatchdog.Http;

/// <summary>
/// The fork modes' one place where a call ends: counted in function_executions_total, its end
/// logged in the Go watchdog's words, and answered from its outcome when nothing was sent yet. The
/// responders deliver the function's output and the streaming framing; they return a
/// <see cref="CallEnd"/> and neither log a call's end nor count it.
/// </summary>
/// <param name="streaming">mode=streaming: an answer cut after its start is reported as a streaming response that ended abnormally.</param>
internal sealed class CallFinisher(WatchdogOptions options, IWatchdogMetrics metrics, ILogger log, bool streaming)
{
    private readonly FailureReport _failures = new(options);

    /// <param name="callLog">The call's log; null for a refusal before the call had an id.</param>
    public Task FinishAsync(HttpContext context, RequestLog? callLog, in CallEnd end, TimeSpan execTimeout = default)
    {
        metrics.Record(end.Outcome, end.Seconds);
        if (end.Refusal is { } refusal)
        {
            if (refusal.Reason is not null)
                log.Warning("{reason}", refusal.Reason);
            return PlainText.WriteAsync(context, refusal.Status, refusal.Text, refusal.InternalSource);
        }
        var requestLog = callLog ?? throw new ArgumentNullException(nameof(callLog), "Only a refusal ends without a call log.");
        switch (end.Delivery)
        {
            case CallDelivery.Pending:
                return _failures.SendAsync(context, end.Outcome, requestLog, end.Seconds, execTimeout);
            case CallDelivery.Sent:
                LogSent(context, requestLog, end);
                return Task.CompletedTask;
            case CallDelivery.Cut:
                return LogCutAsync(context, requestLog, end);
            default:
                return Task.CompletedTask;
        }
    }

    private void LogSent(HttpContext context, RequestLog requestLog, in CallEnd end)
    {
        var status = context.Response.StatusCode;
        if (end.Outcome.Succeeded)
        {
            // write_debug logged the output and says "Duration" in place of "Wrote".
            if (options.WriteDebug && !streaming)
                requestLog.Duration(end.BytesSent, end.Seconds, status);
            else
                requestLog.Wrote(end.BytesSent, end.Seconds, status);
            return;
        }
        requestLog.Failed(OutcomeAnswer.For(end.Outcome, options.MaxRequestBytes).Reason, end.BytesSent, end.Seconds, status);
    }

    private Task LogCutAsync(HttpContext context, RequestLog requestLog, in CallEnd end)
    {
        if (streaming)
        {
            var reason = end.DeliveryEnd == default
                ? OutcomeAnswer.For(end.Outcome, options.MaxRequestBytes).Reason
                : "the last chunk could not be written: " + end.DeliveryProblem;
            requestLog.Warning("Streaming response ended abnormally after {bytes} Bytes - Duration: {duration:F6}s: {reason}", end.BytesSent, end.Seconds, reason);
            return Task.CompletedTask;
        }
        if (end.DeliveryEnd == RunEnd.WriteTimeout)
            // The function is done; writing its answer is what ran out of time. Nothing is killed.
            return _failures.SendAsync(context, new RunOutcome(RunEnd.WriteTimeout, default, 0, 0, null, Started: false), requestLog, 0, TimeSpan.Zero);
        requestLog.Warning("Client went away while the response was written: {error}", end.DeliveryProblem);
        return Task.CompletedTask;
    }
}
