using System.Diagnostics;
using System.Globalization;
using Fwatchdog.Calls;
using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Serilog;

namespace Fwatchdog.Authentication;

/// <summary>
/// jwt_auth: the door in front of every mode's function endpoint. A call reaches the function only
/// with a token the gateway signed for it, and then carries <c>X-Auth-Seconds</c> (fork modes:
/// <c>Http_X_Auth_Seconds</c>) as in the Go watchdogs. Everything else is refused here, before
/// max_inflight, a fork or a forward: 401 (no or bad token), 403 (no permission), 503 (keys not
/// loaded yet), each marked <c>X-OpenFaaS-Internal: faas-middleware</c>, answered and logged (the Go
/// middleware's "ACCESS DENIED" line plus the reason) by <see cref="CallFinisher"/> as a
/// <see cref="RefusalKind.Access"/> refusal. /_/health, /_/ready and /metrics never come here.
/// </summary>
internal sealed class AuthenticatingEndpoint(IFunctionEndpoint function, FunctionAuthenticator authenticator, ILogger log, bool debug)
    : IFunctionEndpoint
{
    public const string AuthSecondsHeader = "X-Auth-Seconds";
    private const string Challenge = "Bearer realm=\"IAM function invoke\"";

    public ValueTask<CallOutcome> HandleAsync(HttpContext context, long started)
    {
        var admission = authenticator.AdmitAsync(context.Request.Headers.Authorization);
        return admission.IsCompletedSuccessfully
            ? ContinueAsync(context, started, admission.Result)
            : AwaitAdmissionAsync(context, started, admission);
    }

    private async ValueTask<CallOutcome> AwaitAdmissionAsync(HttpContext context, long started, ValueTask<Admission> admission) =>
        await ContinueAsync(context, started, await admission.ConfigureAwait(false)).ConfigureAwait(false);

    private ValueTask<CallOutcome> ContinueAsync(HttpContext context, long started, Admission admission)
    {
        if (admission.Kind != AdmissionKind.Admitted)
            return ValueTask.FromResult(CallOutcome.Refused(RefusalOf(admission)));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        // Set, not appended: a client cannot hand the function its own figure.
        context.Request.Headers[AuthSecondsHeader] = seconds.ToString("F6", CultureInfo.InvariantCulture);
        if (debug)
            log.Information("[JWT Auth] {method} {path} admitted for {function} ({seconds:F6}s)",
                context.Request.Method, context.Request.Path.Value, authenticator.Function.Reference, seconds);
        return function.HandleAsync(context, started);
    }

    private static Refusal RefusalOf(Admission admission) => admission.Kind switch
    {
        AdmissionKind.Forbidden => Refused(StatusCodes.Status403Forbidden, admission.Reason, null),
        AdmissionKind.Unavailable => Refused(StatusCodes.Status503ServiceUnavailable, admission.Reason, (HeaderNames.RetryAfter, "5")),
        _ => Refused(StatusCodes.Status401Unauthorized, admission.Reason, (HeaderNames.WWWAuthenticate, Challenge)),
    };

    private static Refusal Refused(int status, string reason, (string, string)? header) =>
        new(RefusalKind.Access, status, reason + "\n", reason, PlainText.Middleware, header);
}
