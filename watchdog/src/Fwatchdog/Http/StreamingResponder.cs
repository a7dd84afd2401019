using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// mode=streaming (the of-watchdog's streaming fork mode): 200 and headers as soon as the process
/// runs, stdout sent as produced. A failure after that can only be logged and signalled by closing
/// the response abnormally — or, when the client sent "TE: trailers", in an X-Function-Status trailer.
/// The whole response must be written within write_timeout.
/// </summary>
internal sealed class StreamingResponder(WatchdogOptions options, IWatchdogMetrics metrics)
{
    private const string StatusTrailer = "X-Function-Status";

    public async Task RespondAsync(FunctionCall call)
    {
        var context = call.Context;
        var response = context.Response;
        var trailers = AcceptsTrailers(context);
        // cgi_response: the function's header block sets status and headers, so they go out when it ends.
        var cgi = options.CgiResponse ? new CgiResponseStream(response.Body, call.Log, headers => StartAsync(context, trailers, headers)) : null;
        if (cgi is null)
            await StartAsync(context, trailers, null).ConfigureAwait(false);

        using var writeDeadline = new CancellationTokenSource(options.WriteTimeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, writeDeadline.Token);
        var outcome = await call.Run.CompleteAsync(call.Input, cgi ?? response.Body, call.Timeout, stop.Token).ConfigureAwait(false);
        var seconds = call.ElapsedSeconds;
        OutcomeMetrics.Record(metrics, outcome, seconds);

        if (cgi is not null && !response.HasStarted && outcome.End is RunEnd.Exited or RunEnd.TimedOut)
        {
            await AnswerBeforeHeadersAsync(call, cgi, outcome, seconds).ConfigureAwait(false);
            return;
        }
        if (outcome.End == RunEnd.Exited && outcome.Exit.Success)
        {
            if (trailers)
                response.AppendTrailer(StatusTrailer, "exit status 0");
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
            response.AppendTrailer(StatusTrailer, reason);
        else
            context.Abort();
    }

    private Task StartAsync(HttpContext context, bool trailers, CgiResponseHeaders? cgi)
    {
        ResponseHeaders.SetContentType(context, options);
        context.Response.StatusCode = StatusCodes.Status200OK;
        cgi?.ApplyTo(context.Response);
        if (trailers)
            context.Response.DeclareTrailer(StatusTrailer);
        return context.Response.StartAsync(context.RequestAborted);
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
            call.Log.TimedOut(options.FunctionProcess, GoDuration.Format(call.Timeout), seconds);
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

    private static bool AcceptsTrailers(HttpContext context) =>
        context.Response.SupportsTrailers() &&
        context.Request.Headers.TE.Any(value => value?.Contains("trailers", StringComparison.OrdinalIgnoreCase) == true);
}
