using Fwatchdog.Calls;
using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Serilog;

namespace Fwatchdog.Http;

/// <summary>
/// Every path but the watchdog's own, in the fork modes. The steps of a call, in order: refuse what
/// must not fork (headers, method, capacity, size), give the call its id, start the function
/// (<see cref="FunctionLauncher"/>), let the mode's responder deliver its output — each step
/// returning how the call ended as one <see cref="CallOutcome"/>, which <see cref="CallFinisher"/>
/// alone answers, logs and counts.
/// </summary>
internal sealed class FunctionEndpoint(
    WatchdogOptions options, InflightLimiter limiter, FunctionLauncher launcher, IFunctionResponder responder, ILogger log)
    : IFunctionEndpoint
{
    public async ValueTask<CallOutcome> HandleAsync(HttpContext context, long started)
    {
        var request = context.Request;
        if (Refusal(request) is { } refusal)
            return CallOutcome.Refused(refusal);
        if (!limiter.TryEnter())
            return CallOutcome.Refused(limiter.Refusal());
        try
        {
            var callId = CallId.From(request);
            context.Response.Headers[CallId.Header] = callId;
            var requestLog = new RequestLog(log, callId, request.Method, request.Path.Value ?? "/");
            if (options.DebugHeaders)
                LogHeaders(requestLog, request.Headers);
            var (end, execTimeout) = await InvokeAsync(context, started, callId, requestLog).ConfigureAwait(false);
            return CallOutcome.Forked(end, requestLog, execTimeout);
        }
        finally
        {
            limiter.Exit();
        }
    }

    /// <summary>Malformed headers or target (400) or a method the function is not called with (405).</summary>
    private static Refusal? Refusal(HttpRequest request)
    {
        if (Calls.Refusal.OfMalformed(request) is { } malformed)
            return malformed;
        if (!IsFunctionMethod(request.Method))
            return new Refusal(RefusalKind.Request, StatusCodes.Status405MethodNotAllowed, $"Method {request.Method} is not allowed.\n",
                $"Method {request.Method} not allowed for the function; use GET, POST, PUT, PATCH or DELETE.");
        return null;
    }

    private async Task<(ForkOutcome End, TimeSpan ExecTimeout)> InvokeAsync(HttpContext context, long started, string callId, RequestLog requestLog)
    {
        var request = context.Request;
        if (options.MaxRequestBytes > 0)
        {
            if (request.ContentLength > options.MaxRequestBytes)
                return (ForkOutcome.BeforeRun(RunOutcome.BeforeStart(RunEnd.InputTooLarge)), TimeSpan.Zero);
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
                sizeLimit.MaxRequestBodySize = options.MaxRequestBytes;
        }

        var (call, failure) = await launcher.StartAsync(context, callId, requestLog, started).ConfigureAwait(false);
        if (call is null)
            return (ForkOutcome.BeforeRun(failure), TimeSpan.Zero);
        await using (call)
            return (await responder.RespondAsync(call).ConfigureAwait(false), call.Deadlines.Exec);
    }

    private static bool IsFunctionMethod(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsGet(method) || HttpMethods.IsPut(method) ||
        HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static void LogHeaders(RequestLog log, IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
            log.Header("in", name, values.ToString());
    }
}
