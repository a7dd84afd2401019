using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// mode=streaming (the of-watchdog's streaming fork mode): 200 and headers go out as soon as the
/// process runs, stdout is sent as produced. A failure after that is logged and reported in an
/// X-Function-Status trailer when the client sent "TE: trailers"; otherwise the chunked body is
/// left without its last chunk and the connection closed, so the client sees it incomplete.
/// The whole response must be written within write_timeout.
/// </summary>
internal sealed class StreamingResponder(WatchdogOptions options, IWatchdogMetrics metrics)
{
    private const string StatusTrailer = "X-Function-Status";

    public async Task RespondAsync(FunctionCall call)
    {
        var context = call.Context;
        var response = context.Response;
        // HTTP/1.0 has no chunking: its body ends with the connection, and so does a failure.
        var chunked = HttpProtocol.IsHttp11(context.Request.Protocol) ? ChunkedBody.Over(response) : null;
        var trailers = chunked is not null && AcceptsTrailers(context.Request);
        var body = (Stream?)chunked ?? response.Body;
        // cgi_response: the function's header block sets status and headers, so they go out when it ends.
        var cgi = options.CgiResponse ? new CgiResponseStream(body, call.Log, headers => StartAsync(context, chunked, trailers, headers)) : null;
        if (cgi is null)
            await StartAsync(context, chunked, trailers, null).ConfigureAwait(false);

        using var writeDeadline = new CancellationTokenSource(GoDuration.NoneIfZero(options.WriteTimeout));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, writeDeadline.Token);
        var outcome = await call.Run.CompleteAsync(call.Input, cgi ?? body, call.Timeout, stop.Token).ConfigureAwait(false);
        var seconds = call.ElapsedSeconds;
        OutcomeMetrics.Record(metrics, outcome, seconds);

        if (cgi is not null && !response.HasStarted && outcome.End is RunEnd.Exited or RunEnd.TimedOut)
        {
            await AnswerBeforeHeadersAsync(call, cgi, outcome, seconds).ConfigureAwait(false);
            return;
        }
        if (outcome.End == RunEnd.Exited && outcome.Exit.Success)
        {
            if (chunked is not null)
                await chunked.EndAsync(trailers ? StatusTrailer : null, "exit status 0", stop.Token).ConfigureAwait(false);
            call.Log.Wrote(outcome.BytesOut, seconds, response.StatusCode);
            return;
        }

        var reason = outcome.End switch
        {
            RunEnd.Exited => outcome.Exit.ToString(),
            RunEnd.TimedOut => "Killed process.",
            RunEnd.Aborted or RunEnd.InputFailed when call.InputTimedOut => "read_timeout reached while reading the request body",
            RunEnd.Aborted when writeDeadline.IsCancellationRequested => "write_timeout reached",
            RunEnd.Aborted => "client went away",
            RunEnd.InputFailed => $"reading the request failed: {outcome.Error?.Message}",
            _ => $"writing the response failed: {outcome.Error?.Message}",
        };
        call.Log.Warning("Streaming response ended abnormally after {bytes} Bytes - Duration: {duration:F6}s: {reason}", outcome.BytesOut, seconds, reason);
        if (trailers && outcome.End is RunEnd.Exited or RunEnd.TimedOut)
            await chunked!.EndAsync(StatusTrailer, reason, stop.Token).ConfigureAwait(false);
        else if (chunked is not null && outcome.End is RunEnd.Exited or RunEnd.TimedOut
                 && context.Features.Get<IConnectionLifetimeNotificationFeature>() is { } connection)
            // The connection still works: close it after this response, whose body lacks its last chunk.
            connection.RequestClose();
        else
            context.Abort();
    }

    /// <summary>Status and headers go out now, not with the first output.</summary>
    private async Task StartAsync(HttpContext context, ChunkedBody? chunked, bool trailers, CgiResponseHeaders? cgi)
    {
        var response = context.Response;
        ResponseHeaders.SetContentType(context, options);
        response.StatusCode = StatusCodes.Status200OK;
        cgi?.ApplyTo(response);
        if (chunked is not null)
            response.Headers.TransferEncoding = "chunked";
        if (trailers)
            response.Headers.Trailer = StatusTrailer;
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// cgi_response=true and the header block never ended, so nothing has been sent yet: the answer
    /// is still a status of its own, as in classic mode, and 502 for a function that exited 0.
    /// </summary>
    private async Task AnswerBeforeHeadersAsync(FunctionCall call, CgiResponseStream cgi, RunOutcome outcome, double seconds)
    {
        var context = call.Context;
        if (outcome.End == RunEnd.TimedOut)
        {
            call.Log.TimedOut(options.FunctionProcess ?? "", GoDuration.Format(call.Timeout), seconds);
            await PlainText.WriteAsync(context, StatusCodes.Status408RequestTimeout, "Killed process.\n").ConfigureAwait(false);
        }
        else if (!outcome.Exit.Success)
        {
            call.Log.Failed(outcome.Exit.ToString(), outcome.BytesOut, seconds, StatusCodes.Status500InternalServerError);
            await PlainText.WriteAsync(context, StatusCodes.Status500InternalServerError, $"{outcome.Exit}\n").ConfigureAwait(false);
        }
        else
        {
            await CgiResponse.AnswerInvalidAsync(context, cgi.Complete() ?? "the headers could not be sent").ConfigureAwait(false);
        }
    }

    private static bool AcceptsTrailers(HttpRequest request) =>
        request.Headers.TE.Any(value => value?.Contains("trailers", StringComparison.OrdinalIgnoreCase) == true);
}
