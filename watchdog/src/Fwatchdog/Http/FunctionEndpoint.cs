using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Serilog;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Fwatchdog.Http;

/// <summary>
/// Every path but the watchdog's own: checks the method, capacity and size, forks the function
/// through <see cref="FunctionRunner"/>, and turns how the run ended into the Go watchdog's
/// status codes and bodies (classic) or a live chunked stream (mode=streaming).
/// </summary>
public sealed class FunctionEndpoint(
    WatchdogOptions options,
    FunctionRunner runner,
    InflightLimiter limiter,
    IWatchdogMetrics metrics,
    ILogger log)
{
    private const string TextPlain = "text/plain; charset=utf-8";
    private static readonly byte[] KilledBody = "Killed process.\n"u8.ToArray();

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        metrics.RequestStarted();
        try
        {
            await DispatchAsync(context, started).ConfigureAwait(false);
        }
        finally
        {
            metrics.RequestCompleted(context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task DispatchAsync(HttpContext context, long started)
    {
        var request = context.Request;
        if (!IsFunctionMethod(request.Method))
        {
            log.Warning("Method {Method} not allowed for the function; use GET, POST, PUT, PATCH or DELETE.", request.Method);
            await WriteTextAsync(context, StatusCodes.Status405MethodNotAllowed, $"Method {request.Method} is not allowed.\n").ConfigureAwait(false);
            return;
        }
        if (!limiter.TryEnter())
        {
            metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);
            await WriteTextAsync(context, StatusCodes.Status429TooManyRequests,
                $"Concurrent request limit exceeded. Max concurrent requests: {options.MaxInflight}\n").ConfigureAwait(false);
            return;
        }
        try
        {
            var (callId, generated) = CallId.From(request);
            context.Response.Headers[CallId.Header] = callId;
            var requestLog = log.ForContext(LogFields.CallId, callId);
            await InvokeAsync(context, started, callId, generated, requestLog).ConfigureAwait(false);
        }
        finally
        {
            limiter.Exit();
        }
    }

    private async Task InvokeAsync(HttpContext context, long started, string callId, bool callIdGenerated, ILogger requestLog)
    {
        var request = context.Request;
        if (options.MaxRequestBytes > 0)
        {
            if (request.ContentLength > options.MaxRequestBytes)
            {
                await RejectTooLargeAsync(context, requestLog).ConfigureAwait(false);
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
                sizeLimit.MaxRequestBodySize = options.MaxRequestBytes;
        }

        if (options.DebugHeaders)
            LogHeaders(requestLog, request.Headers, "in");

        Stream? input = null;
        if (options.MarshalRequest)
        {
            var body = await ReadMarshalledInputAsync(context, requestLog).ConfigureAwait(false);
            if (body is null)
                return;
            input = new MemoryStream(body, writable: false);
        }

        var environment = options.CgiHeaders ? CgiEnvironment.Build(request, callIdGenerated ? callId : null) : null;
        requestLog.Information("Forking fprocess.");

        FunctionRun run;
        try
        {
            run = runner.Start(environment, options.CombineOutput ? null : StandardErrorSink(requestLog));
        }
        catch (FunctionStartException e)
        {
            requestLog.Error("Error starting fprocess: {Error}. {Hint}", e.Message, e.Hint);
            metrics.FunctionCompleted(ExecutionOutcome.Error, null, 0, 0, 0);
            await WriteTextAsync(context, StatusCodes.Status500InternalServerError, e.Message + "\n").ConfigureAwait(false);
            return;
        }

        using (run)
        {
            ReadDeadlineStream? deadline = null;
            if (input is null && HasBody(request))
            {
                deadline = new ReadDeadlineStream(request.Body, options.ReadTimeout, context.Abort);
                input = deadline;
            }
            await using (input)
            {
                if (options.Mode == ExecutionMode.Streaming)
                    await StreamAsync(context, run, input, started, requestLog).ConfigureAwait(false);
                else
                    await BufferAsync(context, run, input, started, requestLog).ConfigureAwait(false);
            }
            if (deadline is { Expired: true })
                requestLog.Warning("Reading the request body took longer than read_timeout ({Timeout}); the connection was closed and the function killed.",
                    GoDuration.Format(options.ReadTimeout));
        }
    }

    private async Task BufferAsync(HttpContext context, FunctionRun run, Stream? input, long started, ILogger requestLog)
    {
        using var output = new SpillBuffer(options.MaxBufferBytes, options.TempDirectory);
        var outcome = await run.CompleteAsync(input, output, EffectiveTimeout(context.Request), context.RequestAborted).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        RecordOutcome(outcome, seconds);
        var response = context.Response;

        switch (outcome.End)
        {
            case RunEnd.Exited when outcome.Exit.Success:
                SetContentType(context);
                response.Headers["X-Duration-Seconds"] = seconds.ToString("F6", CultureInfo.InvariantCulture);
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentLength = output.Length;
                await WriteOutputAsync(context, output, prefix: null, requestLog).ConfigureAwait(false);
                if (options.WriteDebug)
                    requestLog.Information("{Output}", DescribeOutput(output));
                requestLog.Information("Wrote {Bytes} Bytes - Duration: {Duration}s", output.Length, seconds.ToString("F6", CultureInfo.InvariantCulture));
                break;

            case RunEnd.Exited:
                var status = Encoding.UTF8.GetBytes(outcome.Exit + "\n");
                requestLog.Warning("Function failed: {Error} after {Duration}s", outcome.Exit.ToString(), seconds.ToString("F6", CultureInfo.InvariantCulture));
                response.StatusCode = StatusCodes.Status500InternalServerError;
                response.ContentType = TextPlain;
                response.ContentLength = status.Length + output.Length;
                await WriteOutputAsync(context, output, status, requestLog).ConfigureAwait(false);
                break;

            case RunEnd.TimedOut:
                requestLog.Warning("Killing process: {Process} - exec timeout of {Timeout} reached.", options.FunctionProcess, GoDuration.Format(EffectiveTimeout(context.Request)));
                response.StatusCode = StatusCodes.Status408RequestTimeout;
                response.ContentType = TextPlain;
                response.ContentLength = KilledBody.Length;
                await response.Body.WriteAsync(KilledBody, context.RequestAborted).ConfigureAwait(false);
                break;

            case RunEnd.InputFailed:
                await ReportInputFailureAsync(context, outcome.Error, requestLog).ConfigureAwait(false);
                break;

            case RunEnd.OutputFailed:
                requestLog.Error("Could not hold the function's output: {Error}. Check free space in {TempDirectory} or raise max_buffer_bytes.",
                    outcome.Error?.Message, options.TempDirectory);
                await WriteTextAsync(context, StatusCodes.Status500InternalServerError, "Could not buffer the function's output.\n").ConfigureAwait(false);
                break;

            case RunEnd.Aborted:
                requestLog.Warning("Client went away after {Duration}s; the function was killed.", seconds.ToString("F6", CultureInfo.InvariantCulture));
                break;
        }
        if (options.DebugHeaders)
            LogHeaders(requestLog, response.Headers, "out");
    }

    private async Task StreamAsync(HttpContext context, FunctionRun run, Stream? input, long started, ILogger requestLog)
    {
        var response = context.Response;
        SetContentType(context);
        response.StatusCode = StatusCodes.Status200OK;
        var trailers = AcceptsTrailers(context);
        if (trailers)
            response.DeclareTrailer("X-Function-Status");
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);

        using var writeDeadline = new CancellationTokenSource(options.WriteTimeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, writeDeadline.Token);
        var outcome = await run.CompleteAsync(input, response.Body, EffectiveTimeout(context.Request), stop.Token).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        RecordOutcome(outcome, seconds);

        if (outcome.End == RunEnd.Exited && outcome.Exit.Success)
        {
            if (trailers)
                response.AppendTrailer("X-Function-Status", "exit status 0");
            requestLog.Information("Wrote {Bytes} Bytes - Duration: {Duration}s", outcome.BytesOut, seconds.ToString("F6", CultureInfo.InvariantCulture));
            return;
        }

        var reason = outcome.End switch
        {
            RunEnd.Exited => outcome.Exit.ToString(),
            RunEnd.TimedOut => "Killed process.",
            RunEnd.Aborted when writeDeadline.IsCancellationRequested => "write_timeout reached",
            RunEnd.Aborted => "client went away",
            RunEnd.InputFailed => $"reading the request failed: {outcome.Error?.Message}",
            _ => $"writing the response failed: {outcome.Error?.Message}",
        };
        requestLog.Warning("Streaming response ended abnormally after {Bytes} Bytes - Duration: {Duration}s: {Reason}",
            outcome.BytesOut, seconds.ToString("F6", CultureInfo.InvariantCulture), reason);
        if (trailers && outcome.End is RunEnd.Exited or RunEnd.TimedOut)
            response.AppendTrailer("X-Function-Status", reason);
        else
            context.Abort();
    }

    private async Task WriteOutputAsync(HttpContext context, SpillBuffer output, byte[]? prefix, ILogger requestLog)
    {
        using var writeDeadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        writeDeadline.CancelAfter(options.WriteTimeout);
        try
        {
            if (prefix is not null)
                await context.Response.Body.WriteAsync(prefix, writeDeadline.Token).ConfigureAwait(false);
            await output.ReplayToAsync(context.Response.Body, writeDeadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            requestLog.Warning("Writing the response took longer than write_timeout ({Timeout}); the connection was closed.", GoDuration.Format(options.WriteTimeout));
            context.Abort();
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            requestLog.Warning("Client went away while the response was written: {Error}", e.Message);
        }
    }

    private async Task<byte[]?> ReadMarshalledInputAsync(HttpContext context, ILogger requestLog)
    {
        var request = context.Request;
        try
        {
            using var body = new MemoryStream();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(options.ReadTimeout);
            await request.Body.CopyToAsync(body, deadline.Token).ConfigureAwait(false);
            return MarshalledRequest.Serialize(request.Headers, body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            await ReportInputFailureAsync(context, e, requestLog).ConfigureAwait(false);
            return null;
        }
    }

    private async Task ReportInputFailureAsync(HttpContext context, Exception? error, ILogger requestLog)
    {
        if (error is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            await RejectTooLargeAsync(context, requestLog).ConfigureAwait(false);
            return;
        }
        if (error is BadHttpRequestException bad)
        {
            requestLog.Warning("Bad request body: {Error}", bad.Message);
            await WriteTextAsync(context, bad.StatusCode, $"Bad request: {bad.Message}\n").ConfigureAwait(false);
            return;
        }
        requestLog.Warning("Reading the request body failed: {Error}; the function was killed.", error?.Message);
        context.Abort();
    }

    private Task RejectTooLargeAsync(HttpContext context, ILogger requestLog)
    {
        requestLog.Warning("Request body larger than max_request_bytes ({Limit}); rejected with 413.", options.MaxRequestBytes);
        metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);
        return WriteTextAsync(context, StatusCodes.Status413PayloadTooLarge,
            $"Request body too large: the limit is {options.MaxRequestBytes} bytes (max_request_bytes).\n");
    }

    private void RecordOutcome(RunOutcome outcome, double seconds)
    {
        var (kind, exitCode) = outcome.End switch
        {
            RunEnd.Exited when outcome.Exit.Success => (ExecutionOutcome.Success, (int?)0),
            RunEnd.Exited => (ExecutionOutcome.Error, outcome.Exit.Signal == 0 ? outcome.Exit.Code : 256),
            RunEnd.TimedOut => (ExecutionOutcome.Timeout, null),
            _ => (ExecutionOutcome.Killed, null),
        };
        metrics.FunctionCompleted(kind, exitCode, seconds, outcome.BytesIn, outcome.BytesOut);
    }

    /// <summary>exec_timeout, shortened (never lengthened) by a valid X-Timeout header.</summary>
    private TimeSpan EffectiveTimeout(HttpRequest request)
    {
        var timeout = options.ExecTimeout;
        var header = request.Headers["X-Timeout"];
        if (header.Count > 0 && GoDuration.TryParse(header[0], out var requested) && requested > TimeSpan.Zero
            && (timeout == TimeSpan.Zero || requested < timeout))
            timeout = requested;
        return timeout;
    }

    private void SetContentType(HttpContext context)
    {
        var contentType = options.ContentType ?? context.Request.ContentType;
        if (!string.IsNullOrEmpty(contentType))
            context.Response.ContentType = contentType;
    }

    private static bool IsFunctionMethod(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsGet(method) || HttpMethods.IsPut(method) ||
        HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool AcceptsTrailers(HttpContext context) =>
        context.Response.SupportsTrailers() &&
        context.Request.Headers.TE.Any(value => value?.Contains("trailers", StringComparison.OrdinalIgnoreCase) == true);

    private Action<string> StandardErrorSink(ILogger requestLog) => options.PrefixLogs
        ? line => requestLog.Information("stderr: {Line}", line)
        : line => requestLog.Information("{Line}", line);

    private static string DescribeOutput(SpillBuffer output) =>
        output.SpilledToDisk ? $"({output.Length} bytes of output, spilled to disk)" : $"({output.Length} bytes of output)";

    private static void LogHeaders(ILogger requestLog, IHeaderDictionary headers, string direction)
    {
        foreach (var (name, values) in headers)
            requestLog.Information("[{Direction}] {Name}=[{Values}]", direction, name, values.ToString());
    }

    private static async Task WriteTextAsync(HttpContext context, int statusCode, string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = TextPlain;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
