using Fwatchdog.Execution;
using Fwatchdog.Http;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Calls;

/// <summary>
/// The fork modes' part: the run is counted by how it ended, its end logged ("Wrote", a failure, a
/// cut answer) and answered from its outcome when none of the output was sent.
/// </summary>
internal sealed partial class CallFinisher
{
    private async Task FinishForkAsync(HttpContext context, CallOutcome outcome)
    {
        var end = outcome.Fork;
        var requestLog = outcome.Log!;
        metrics.Record(end.Run, end.Seconds);
        switch (end.Delivery)
        {
            case CallDelivery.Pending:
                await _failures.SendAsync(context, end.Run, requestLog, end.Seconds, outcome.Limit).ConfigureAwait(false);
                break;
            case CallDelivery.Sent:
                LogSent(context, requestLog, end);
                break;
            case CallDelivery.Cut:
                await LogCutAsync(context, requestLog, end).ConfigureAwait(false);
                break;
            case CallDelivery.StatusOnly:
                var answer = OutcomeAnswer.For(end.Run, options.MaxRequestBytes);
                await PlainText.WriteAsync(context, answer.Status, answer.Text!).ConfigureAwait(false);
                LogSent(context, requestLog, end);
                break;
            case CallDelivery.InvalidCgiResponse:
                await CgiResponse.AnswerInvalidAsync(context, end.DeliveryProblem!).ConfigureAwait(false);
                break;
        }
        if (options.DebugHeaders)
        {
            foreach (var (name, values) in context.Response.Headers)
                requestLog.Header("out", name, values.ToString());
        }
    }

    private void LogSent(HttpContext context, RequestLog requestLog, in ForkOutcome end)
    {
        var status = context.Response.StatusCode;
        if (end.Run.Succeeded)
        {
            // write_debug logged the output and says "Duration" in place of "Wrote".
            if (options.WriteDebug && !end.Streamed)
                requestLog.Duration(end.BytesSent, end.Seconds, status);
            else
                requestLog.Wrote(end.BytesSent, end.Seconds, status);
            return;
        }
        requestLog.Failed(OutcomeAnswer.For(end.Run, options.MaxRequestBytes).Reason, end.BytesSent, end.Seconds, status);
    }

    private Task LogCutAsync(HttpContext context, RequestLog requestLog, in ForkOutcome end)
    {
        if (end.Streamed)
        {
            var reason = end.DeliveryEnd == default
                ? OutcomeAnswer.For(end.Run, options.MaxRequestBytes).Reason
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
