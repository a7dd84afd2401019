using System.Diagnostics;
using System.Globalization;
using Fwatchdog.Configuration;
using Fwatchdog.Http;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Fwatchdog.Authentication;

/// <summary>
/// jwt_auth: the door in front of every mode's function endpoint. A call reaches the function only
/// with a token the gateway signed for it, and then carries <c>X-Auth-Seconds</c> (fork modes:
/// <c>Http_X_Auth_Seconds</c>) as in the Go watchdogs. Everything else is answered here, before
/// max_inflight, a fork or a forward: 401 (no or bad token), 403 (no permission), 503 (keys not
/// loaded yet), each marked <c>X-OpenFaaS-Internal: faas-middleware</c> and the Go middleware's
/// "ACCESS DENIED" log line plus the reason. /_/health, /_/ready and /metrics never come here.
/// </summary>
public sealed class AuthenticatingEndpoint(IFunctionEndpoint function, FunctionAuthenticator authenticator, IWatchdogMetrics metrics, ILogger log, bool debug)
    : IFunctionEndpoint
{
    public const string AuthSecondsHeader = "X-Auth-Seconds";
    private const string Challenge = "Bearer realm=\"IAM function invoke\"";

    public Task HandleAsync(HttpContext context, long started)
    {
        var admission = authenticator.AdmitAsync(context.Request.Headers.Authorization);
        return admission.IsCompletedSuccessfully
            ? ContinueAsync(context, started, admission.Result)
            : AwaitAdmissionAsync(context, started, admission);
    }

    private async Task AwaitAdmissionAsync(HttpContext context, long started, ValueTask<Admission> admission) =>
        await ContinueAsync(context, started, await admission.ConfigureAwait(false)).ConfigureAwait(false);

    private Task ContinueAsync(HttpContext context, long started, Admission admission)
    {
        if (admission.Kind != AdmissionKind.Admitted)
            return RefuseAsync(context, started, admission);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        // Set, not appended: a client cannot hand the function its own figure.
        context.Request.Headers[AuthSecondsHeader] = seconds.ToString("F6", CultureInfo.InvariantCulture);
        if (debug)
            log.Information("[JWT Auth] {method} {path} admitted for {function} ({seconds:F6}s)",
                context.Request.Method, context.Request.Path.Value, authenticator.Function.Reference, seconds);
        return function.HandleAsync(context, started);
    }

    private Task RefuseAsync(HttpContext context, long started, Admission admission)
    {
        var request = context.Request;
        var response = context.Response;
        var status = admission.Kind switch
        {
            AdmissionKind.Forbidden => StatusCodes.Status403Forbidden,
            AdmissionKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status401Unauthorized,
        };
        var callId = CallId.From(request);
        response.Headers[CallId.Header] = callId;
        if (status == StatusCodes.Status401Unauthorized)
            response.Headers.WWWAuthenticate = Challenge;
        if (status == StatusCodes.Status503ServiceUnavailable)
            response.Headers.RetryAfter = "5";
        metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);
        var elapsed = TimeSpan.FromMilliseconds(Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        new RequestLog(log, callId, request.Method, request.Path.Value ?? "/").AccessDenied(status, GoDuration.Format(elapsed), admission.Reason);
        return PlainText.WriteAsync(context, status, admission.Reason + "\n", PlainText.Middleware);
    }
}
