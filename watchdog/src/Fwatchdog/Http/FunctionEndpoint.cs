using System.Diagnostics;
using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Serilog;

namespace Fwatchdog.Http;

/// <summary>
/// Every path but the watchdog's own. Refuses what must not fork (headers, method, capacity, size), forks
/// the function through <see cref="FunctionRunner"/> with the request as CGI variables and stdin,
/// and hands the run to the classic or the streaming responder.
/// </summary>
public sealed class FunctionEndpoint : IFunctionEndpoint
{
    private readonly WatchdogOptions _options;
    private readonly FunctionRunner _runner;
    private readonly InflightLimiter _limiter;
    private readonly IWatchdogMetrics _metrics;
    private readonly ILogger _log;
    private readonly RequestInput _input;
    private readonly ClassicResponder _classic;
    private readonly StreamingResponder _streaming;

    public FunctionEndpoint(WatchdogOptions options, FunctionRunner runner, InflightLimiter limiter, IWatchdogMetrics metrics, ILogger log)
    {
        _options = options;
        _runner = runner;
        _limiter = limiter;
        _metrics = metrics;
        _log = log;
        _input = new RequestInput(options);
        _classic = new ClassicResponder(options, metrics, _input);
        _streaming = new StreamingResponder(options, metrics);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        _metrics.RequestStarted();
        try
        {
            await AdmitAsync(context, started).ConfigureAwait(false);
        }
        finally
        {
            _metrics.RequestCompleted(context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task AdmitAsync(HttpContext context, long started)
    {
        var request = context.Request;
        if (RequestHeaderRules.FindViolation(request.Headers) is { } violation)
        {
            _log.Warning("Rejected a malformed request: {reason}", violation);
            _metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);
            await PlainText.WriteAsync(context, StatusCodes.Status400BadRequest, $"Bad request: {violation}.\n").ConfigureAwait(false);
            return;
        }
        if (!IsFunctionMethod(request.Method))
        {
            _log.Warning("Method {method} not allowed for the function; use GET, POST, PUT, PATCH or DELETE.", request.Method);
            _metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);
            await PlainText.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, $"Method {request.Method} is not allowed.\n").ConfigureAwait(false);
            return;
        }
        if (!_limiter.TryEnter())
        {
            await _limiter.RefuseAsync(context, _metrics).ConfigureAwait(false);
            return;
        }
        try
        {
            var callId = CallId.From(request);
            context.Response.Headers[CallId.Header] = callId;
            var log = new RequestLog(_log, callId, request.Method, request.Path.Value ?? "/");
            await InvokeAsync(context, started, callId, log).ConfigureAwait(false);
        }
        finally
        {
            _limiter.Exit();
        }
    }

    private async Task InvokeAsync(HttpContext context, long started, string callId, RequestLog log)
    {
        var request = context.Request;
        if (_options.MaxRequestBytes > 0)
        {
            if (request.ContentLength > _options.MaxRequestBytes)
            {
                _metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);
                await _input.RejectTooLargeAsync(context, log).ConfigureAwait(false);
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
                sizeLimit.MaxRequestBodySize = _options.MaxRequestBytes;
        }
        if (_options.DebugHeaders)
            LogHeaders(log, request.Headers, "in");

        var (input, rejected) = await _input.OpenAsync(context, log).ConfigureAwait(false);
        if (rejected)
            return;
        await using (input)
        {
            var environment = _options.CgiHeaders ? CgiEnvironment.Build(request, callId) : null;
            log.Forking();
            if (_options.WriteDebug && _options.CgiHeaders)
                log.QueryAndPath(request.QueryString.HasValue ? request.QueryString.Value![1..] : "", request.Path.Value ?? "");
            FunctionRun run;
            try
            {
                run = _runner.Start(environment, _options.CombineOutput ? null : line => log.StandardError(line, _options.PrefixLogs));
            }
            catch (FunctionStartException e)
            {
                log.Error("Error starting fprocess: {error}. {hint}", e.Message, e.Hint);
                _metrics.FunctionCompleted(ExecutionOutcome.Error, null, 0, 0, 0);
                await PlainText.WriteAsync(context, StatusCodes.Status500InternalServerError, e.Message + "\n").ConfigureAwait(false);
                return;
            }

            using (run)
            {
                var call = new FunctionCall(context, run, input, EffectiveTimeout(request), started, log);
                if (_options.Mode == ExecutionMode.Streaming)
                    await _streaming.RespondAsync(call).ConfigureAwait(false);
                else
                    await _classic.RespondAsync(call).ConfigureAwait(false);
            }
        }
        if (_options.DebugHeaders)
            LogHeaders(log, context.Response.Headers, "out");
    }

    /// <summary>exec_timeout, shortened (never lengthened) by a valid X-Timeout header.</summary>
    private TimeSpan EffectiveTimeout(HttpRequest request)
    {
        var timeout = _options.ExecTimeout;
        var header = request.Headers["X-Timeout"];
        if (header.Count > 0 && GoDuration.TryParseTimeout(header[0], out var requested, out _) && requested > TimeSpan.Zero
            && (timeout == TimeSpan.Zero || requested < timeout))
            timeout = requested;
        return timeout;
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
