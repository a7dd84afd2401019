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
        ResponseHeaders.SetContentType(context, options);
        response.StatusCode = StatusCodes.Status200OK;
        var trailers = AcceptsTrailers(context);
        if (trailers)
            response.DeclareTrailer(StatusTrailer);
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);

        using var writeDeadline = new CancellationTokenSource(GoDuration.NoneIfZero(options.WriteTimeout));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, writeDeadline.Token);
        var outcome = await call.Run.CompleteAsync(call.Input, response.Body, call.Timeout, stop.Token).ConfigureAwait(false);
        var seconds = call.ElapsedSeconds;
        OutcomeMetrics.Record(metrics, outcome, seconds);

        if (outcome.End == RunEnd.Exited && outcome.Exit.Success)
        {
            if (trailers)
                response.AppendTrailer(StatusTrailer, "exit status 0");
            call.Log.Wrote(outcome.BytesOut, seconds, StatusCodes.Status200OK);
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

    private static bool AcceptsTrailers(HttpContext context) =>
        context.Response.SupportsTrailers() &&
        context.Request.Headers.TE.Any(value => value?.Contains("trailers", StringComparison.OrdinalIgnoreCase) == true);
}
