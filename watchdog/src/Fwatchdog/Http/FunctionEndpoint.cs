using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Serilog;

namespace Fwatchdog.Http;

/// <summary>
/// Every path but the watchdog's own, in the fork modes: admission only. Refuses what must not fork
/// (headers, method, capacity, size), gives the call its id, and hands it to the launcher and then to
/// the responder the composition root chose (classic or streaming).
/// </summary>
internal sealed class FunctionEndpoint(
    WatchdogOptions options, InflightLimiter limiter, IWatchdogMetrics metrics, ILogger log, FunctionLauncher launcher, IFunctionResponder responder)
    : IFunctionEndpoint
{
    public async Task HandleAsync(HttpContext context, long started)
    {
        var request = context.Request;
        if (RequestHeaderRules.FindViolation(request.Headers) is { } violation)
        {
            log.Warning("Rejected a malformed request: {reason}", violation);
            metrics.Record(RunOutcome.BeforeStart(RunEnd.Refused), 0);
            await PlainText.WriteAsync(context, StatusCodes.Status400BadRequest, $"Bad request: {violation}.\n").ConfigureAwait(false);
            return;
        }
        if (!IsFunctionMethod(request.Method))
        {
            log.Warning("Method {method} not allowed for the function; use GET, POST, PUT, PATCH or DELETE.", request.Method);
            metrics.Record(RunOutcome.BeforeStart(RunEnd.Refused), 0);
            await PlainText.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, $"Method {request.Method} is not allowed.\n").ConfigureAwait(false);
            return;
        }
        if (!limiter.TryEnter())
        {
            await limiter.RefuseAsync(context, metrics).ConfigureAwait(false);
            return;
        }
        try
        {
            var callId = CallId.From(request);
            context.Response.Headers[CallId.Header] = callId;
            var requestLog = new RequestLog(log, callId, request.Method, request.Path.Value ?? "/");
            await InvokeAsync(context, started, callId, requestLog).ConfigureAwait(false);
        }
        finally
        {
            limiter.Exit();
        }
    }

    private async Task InvokeAsync(HttpContext context, long started, string callId, RequestLog requestLog)
    {
        var request = context.Request;
        if (options.MaxRequestBytes > 0)
        {
            if (request.ContentLength > options.MaxRequestBytes)
            {
                await launcher.FailAsync(context, RunOutcome.BeforeStart(RunEnd.InputTooLarge), requestLog).ConfigureAwait(false);
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
                sizeLimit.MaxRequestBodySize = options.MaxRequestBytes;
        }
        if (options.DebugHeaders)
            LogHeaders(requestLog, request.Headers, "in");

        var call = await launcher.StartAsync(context, callId, requestLog, started).ConfigureAwait(false);
        if (call is not null)
        {
            await using (call)
                await responder.RespondAsync(call).ConfigureAwait(false);
        }
        if (options.DebugHeaders)
            LogHeaders(requestLog, context.Response.Headers, "out");
    }

    private static bool IsFunctionMethod(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsGet(method) || HttpMethods.IsPut(method) ||
        HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static void LogHeaders(RequestLog log, IHeaderDictionary headers, string direction)
    {
        foreach (var (name, values) in headers)
            log.Header(direction, name, values.ToString());
    }
}
