using System.Diagnostics;
using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Http;
using Fwatchdog.Proxy;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Calls;

/// <summary>
/// mode=http's part: the watchdog's own answer for a failure (or the abnormal close, once the
/// upstream's status line went out), the call's log lines, and its count.
/// </summary>
internal sealed partial class CallFinisher
{
    private async Task FinishForwardAsync(HttpContext context, long started, CallOutcome outcome)
    {
        var forward = outcome.Forward;
        await AnswerForwardAsync(context, outcome.Log!, outcome.Limit, forward).ConfigureAwait(false);
        var status = context.Response.StatusCode;
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        metrics.FunctionCompleted(LabelOf(status, forward.End), null, seconds, outcome.BytesIn, outcome.BytesOut);
        if (!IsKubeletProbe(context.Request))
            outcome.Log!.Forwarded(OfWatchdogCallLine.For(context, outcome.Upstream, outcome.BytesOut), seconds, options.LogCallId);
    }

    /// <summary>
    /// function_executions_total's label, as the fork modes count the same ends: a call cut off
    /// (client gone, read_timeout) is "killed", a refused request "rejected".
    /// </summary>
    public static ExecutionOutcome LabelOf(int status, ForwardEnd end) => end switch
    {
        ForwardEnd.Relayed => status >= StatusCodes.Status500InternalServerError ? ExecutionOutcome.Error : ExecutionOutcome.Success,
        ForwardEnd.Upgraded => ExecutionOutcome.Success,
        ForwardEnd.RequestRejected or ForwardEnd.UpstreamNotStarted => ExecutionOutcome.Rejected,
        ForwardEnd.ReadTimeout or ForwardEnd.ClientGone => ExecutionOutcome.Killed,
        ForwardEnd.Timeout => ExecutionOutcome.Timeout,
        _ => ExecutionOutcome.Error,
    };

    private Task AnswerForwardAsync(HttpContext context, RequestLog log, TimeSpan limit, in ForwardOutcome outcome)
    {
        switch (outcome.End)
        {
            case ForwardEnd.Relayed:
                return Task.CompletedTask;
            case ForwardEnd.Upgraded:
                log.UpgradeEnded(context.Response.Headers.Upgrade.ToString(), outcome.Detail ?? "");
                return Task.CompletedTask;
            case ForwardEnd.RequestRejected:
                return _failures.SendAsync(context, RunOutcome.BeforeStart(outcome.Rejection, outcome.Error), log, 0, TimeSpan.Zero);
            case ForwardEnd.ReadTimeout:
                // ReadDeadlineStream closed the connection already; this says why.
                MarkUnanswered(context, StatusCodes.Status408RequestTimeout);
                log.Warning("Reading the request body took longer than read_timeout ({timeout}); the connection was closed and the upstream request aborted.",
                    GoDuration.Format(options.ReadTimeout));
                return Task.CompletedTask;
            case ForwardEnd.ClientGone:
                MarkUnanswered(context, ClientClosedRequest);
                log.Warning("Client disconnected; the upstream request was aborted.");
                return Task.CompletedTask;
            case ForwardEnd.Timeout:
                var setting = limit == options.ExecTimeout ? "exec_timeout" : "X-Timeout";
                log.Warning("Upstream request exceeded {setting} of {timeout}; aborted.", setting, GoDuration.Format(limit));
                return AnswerOrAbortAsync(context, StatusCodes.Status504GatewayTimeout,
                    $"The function did not answer within {setting} ({GoDuration.Format(limit)}).\n");
            case ForwardEnd.UpstreamNotStarted:
                log.Warning("The function's server did not accept connections within {limit}; answered 503.", GoDuration.Format(ProxyEndpoint.StartLimit));
                return PlainText.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    $"The function's server is not accepting connections at {options.UpstreamUrl} yet.\n");
            case ForwardEnd.UpstreamExited:
                log.Error("The function's server exited before accepting connections; answered 502.");
                return PlainText.WriteAsync(context, StatusCodes.Status502BadGateway, "The function's server exited before accepting connections.\n");
            case ForwardEnd.UpgradeFailed:
                log.Warning("The upgraded connection could not be opened: {error}", outcome.Error?.Message);
                context.Abort();
                return Task.CompletedTask;
            default:
                var cause = outcome.Error is null ? "unknown failure" : UpstreamFailure.Describe(outcome.Error);
                log.Error("Upstream request to {url} failed: {cause}", options.UpstreamUrl, cause);
                return AnswerOrAbortAsync(context, StatusCodes.Status502BadGateway, $"Bad gateway: {cause}.\n");
        }
    }

    /// <summary>nginx's "client closed request": what access logs and dashboards know a call cut off by its client as.</summary>
    private const int ClientClosedRequest = 499;

    /// <summary>
    /// A call cut off before any answer went out is logged and counted (http_requests_total) with
    /// the status that says so, not Kestrel's default 200 that no client ever received.
    /// </summary>
    private static void MarkUnanswered(HttpContext context, int status)
    {
        if (!context.Response.HasStarted)
            context.Response.StatusCode = status;
    }

    /// <summary>Once the upstream's status line went out, the only honest signal left is an abnormal close.</summary>
    private static Task AnswerOrAbortAsync(HttpContext context, int status, string text)
    {
        if (!context.Response.HasStarted)
        {
            var headers = context.Response.Headers;
            var callId = headers[CallId.Header];
            headers.Clear(); // whatever the upstream had sent describes a body that will not come
            headers[CallId.Header] = callId;
            return PlainText.WriteAsync(context, status, text);
        }
        context.Abort();
        return Task.CompletedTask;
    }

    /// <summary>of-watchdog leaves the kubelet's probes (e.g. an httpGet probe on ready_path's route) out of the log.</summary>
    private static bool IsKubeletProbe(HttpRequest request)
    {
        var userAgent = request.Headers.UserAgent;
        return userAgent.Count > 0 && userAgent[0] is { } agent && agent.StartsWith("kube-probe", StringComparison.Ordinal);
    }
}
