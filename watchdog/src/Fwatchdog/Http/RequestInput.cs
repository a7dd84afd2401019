using Fwatchdog.Configuration;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Fwatchdog.Http;

/// <summary>
/// What the function reads on stdin: the request body as it arrives (under read_timeout), or with
/// marshal_request the whole request as JSON. Also turns a failed read into the right answer.
/// </summary>
internal sealed class RequestInput(WatchdogOptions options)
{
    /// <summary>The stream to copy into stdin, null for no body; <paramref name="rejected"/> when an answer was already sent.</summary>
    public async Task<(Stream? Input, bool Rejected)> OpenAsync(HttpContext context, RequestLog log)
    {
        var request = context.Request;
        if (options.MarshalRequest)
        {
            var json = await ReadMarshalledAsync(context, log).ConfigureAwait(false);
            return json is null ? (null, true) : (new MemoryStream(json, writable: false), false);
        }
        if (!HasBody(request))
            return (null, false);
        return (new ReadDeadlineStream(request.Body, GoDuration.NoneIfZero(options.ReadTimeout), context.Abort), false);
    }

    public async Task ReportFailureAsync(HttpContext context, Exception? error, RequestLog log)
    {
        switch (error)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                await RejectTooLargeAsync(context, log).ConfigureAwait(false);
                break;
            case BadHttpRequestException bad:
                log.Warning("Bad request body: {error}", bad.Message);
                await PlainText.WriteAsync(context, bad.StatusCode, $"Bad request: {bad.Message}\n").ConfigureAwait(false);
                break;
            case IOException { InnerException: OverflowException }:
                // Kestrel's chunked parser reports a chunk size beyond 64 bits this way, not as a bad
                // request; Go answers 400, and the connection must not just be reset.
                log.Warning("Bad request body: a chunk size does not fit in 64 bits; rejected with 400.");
                await PlainText.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request: chunk size too large.\n").ConfigureAwait(false);
                break;
            default:
                log.Warning("Reading the request body failed: {error}; the function was killed.", error?.Message);
                context.Abort();
                break;
        }
    }

    public Task RejectTooLargeAsync(HttpContext context, RequestLog log)
    {
        log.Warning("Request body larger than max_request_bytes ({limit}); rejected with 413.", options.MaxRequestBytes);
        return PlainText.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
            $"Request body too large: the limit is {options.MaxRequestBytes} bytes (max_request_bytes).\n");
    }

    private async Task<byte[]?> ReadMarshalledAsync(HttpContext context, RequestLog log)
    {
        var request = context.Request;
        try
        {
            using var body = new MemoryStream();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(GoDuration.NoneIfZero(options.ReadTimeout));
            await request.Body.CopyToAsync(body, deadline.Token).ConfigureAwait(false);
            return MarshalledRequest.Serialize(request.Headers, body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            await ReportFailureAsync(context, e, log).ConfigureAwait(false);
            return null;
        }
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
}
