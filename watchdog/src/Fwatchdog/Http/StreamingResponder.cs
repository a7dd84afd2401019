using Fwatchdog.Calls;
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
internal sealed class StreamingResponder(WatchdogOptions options, TimeProvider time) : IFunctionResponder
{
    private const string StatusTrailer = "X-Function-Status";

    public async Task<ForkOutcome> RespondAsync(FunctionCall call)
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

        using var writeDeadline = new CancellationTokenSource(GoDuration.NoneIfZero(options.WriteTimeout), time);
        var outcome = await call.Run.CompleteAsync(call.Input, cgi ?? body, call.Deadlines, context.RequestAborted, writeDeadline.Token)
            .ConfigureAwait(false);
        var seconds = call.ElapsedSeconds;
        var answer = OutcomeAnswer.For(outcome, options.MaxRequestBytes);
        var processEnded = outcome.End is RunEnd.Exited or RunEnd.ExecTimeout;

        if (cgi is not null && !response.HasStarted && processEnded)
            return EndedBeforeHeaders(cgi, outcome, answer, seconds);
        if (answer.Action == AnswerAction.SendOutput)
        {
            if (chunked is not null && await TryEndAsync(call, chunked, trailers ? StatusTrailer : null, answer.Reason, writeDeadline.Token).ConfigureAwait(false) is { } unended)
                return unended with { Run = outcome, Seconds = seconds, BytesSent = outcome.BytesOut };
            return new ForkOutcome(outcome, seconds, CallDelivery.Sent, outcome.BytesOut, Streamed: true);
        }

        if (trailers && processEnded)
            await TryEndAsync(call, chunked!, StatusTrailer, answer.Reason, writeDeadline.Token).ConfigureAwait(false);
        else if (chunked is not null && processEnded && context.Features.Get<IConnectionLifetimeNotificationFeature>() is { } connection)
            // The connection still works: close it after this response, whose body lacks its last chunk.
            connection.RequestClose();
        else
            context.Abort();
        return new ForkOutcome(outcome, seconds, CallDelivery.Cut, outcome.BytesOut, Streamed: true);
    }

    /// <summary>
    /// The last chunk (and trailer). The client may be gone or the write deadline passed by now:
    /// the connection is then closed and the call's end says why, never left to escape the request.
    /// </summary>
    /// <returns>Null when the last chunk went out; else how the answer was cut.</returns>
    private static async Task<ForkOutcome?> TryEndAsync(FunctionCall call, ChunkedBody chunked, string? trailerName, string trailerValue, CancellationToken writeDeadline)
    {
        try
        {
            await chunked.EndAsync(trailerName, trailerValue, writeDeadline).ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            // Kestrel's writer throws more than IOException for a connection aborted under it
            // (ArgumentOutOfRangeException among them); whichever it is, the call ends here.
            call.Context.Abort();
            return writeDeadline.IsCancellationRequested
                ? new ForkOutcome(default, 0, CallDelivery.Cut, DeliveryEnd: RunEnd.WriteTimeout, DeliveryProblem: "write_timeout reached", Streamed: true)
                : new ForkOutcome(default, 0, CallDelivery.Cut, DeliveryEnd: RunEnd.ClientGone, DeliveryProblem: e.Message, Streamed: true);
        }
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
    /// is still a status of its own, as in classic mode, and 502 for a function that exited 0;
    /// the finisher sends it.
    /// </summary>
    private static ForkOutcome EndedBeforeHeaders(CgiResponseStream cgi, in RunOutcome outcome, in OutcomeAnswer answer, double seconds)
    {
        switch (answer.Action)
        {
            case AnswerAction.SendOutput:
                return new ForkOutcome(outcome, seconds, CallDelivery.InvalidCgiResponse, DeliveryProblem: cgi.Complete() ?? "the headers could not be sent", Streamed: true);
            case AnswerAction.SendTextThenOutput:
                // The output so far was part of an unfinished header block: only the status is sent.
                return new ForkOutcome(outcome, seconds, CallDelivery.StatusOnly, outcome.BytesOut, Streamed: true);
            default:
                return new ForkOutcome(outcome, seconds, CallDelivery.Pending, Streamed: true);
        }
    }

    /// <summary>A loop, not LINQ's Any: StringValues' struct enumerator is not boxed on every streamed request.</summary>
    private static bool AcceptsTrailers(HttpRequest request)
    {
        foreach (var value in request.Headers.TE)
        {
            if (value?.Contains("trailers", StringComparison.OrdinalIgnoreCase) == true)
                return true;
        }
        return false;
    }
}
