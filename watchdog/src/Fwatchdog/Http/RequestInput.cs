using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Microsoft.AspNetCore.Http;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Fwatchdog.Http;

/// <summary>
/// What the function reads on stdin: the request body as it arrives, or with marshal_request the
/// whole request as JSON, read before the start. A body that fails before the start ends the call
/// with the same outcome it would have ended a started run with.
/// </summary>
internal sealed class RequestInput(WatchdogOptions options)
{
    /// <summary>The stream to copy into stdin (null for no body), or the outcome of a body that failed before the start.</summary>
    public async Task<(Stream? Input, RunOutcome? Failed)> OpenAsync(HttpContext context)
    {
        var request = context.Request;
        if (options.MarshalRequest)
            return await ReadMarshalledAsync(context).ConfigureAwait(false);
        if (!HasBody(request))
            return (null, null);
        return (new RequestBodyInput(request.Body), null);
    }

    private async Task<(Stream?, RunOutcome?)> ReadMarshalledAsync(HttpContext context)
    {
        var request = context.Request;
        try
        {
            using var body = new MemoryStream();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(GoDuration.NoneIfZero(options.ReadTimeout));
            await request.Body.CopyToAsync(body, deadline.Token).ConfigureAwait(false);
            var json = MarshalledRequest.Serialize(request.Headers, body.GetBuffer().AsSpan(0, (int)body.Length));
            return (new MemoryStream(json, writable: false), null);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            return (null, BeforeStart(context, e));
        }
    }

    /// <summary>The cause of a body read that failed before any process started.</summary>
    private static RunOutcome BeforeStart(HttpContext context, Exception error) => error switch
    {
        OperationCanceledException when context.RequestAborted.IsCancellationRequested => RunOutcome.BeforeStart(RunEnd.ClientGone, error),
        not null when RequestBodyInput.Abandoned(error) => RunOutcome.BeforeStart(RunEnd.ClientGone, error),
        OperationCanceledException => RunOutcome.BeforeStart(RunEnd.InputTimeout, error),
        InputRejectedException rejected => RunOutcome.BeforeStart(rejected.End, rejected),
        not null when RequestBodyInput.Rejection(error) is { } rejected => RunOutcome.BeforeStart(rejected.End, rejected),
        _ => RunOutcome.BeforeStart(RunEnd.InputFailed, error),
    };

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
}
