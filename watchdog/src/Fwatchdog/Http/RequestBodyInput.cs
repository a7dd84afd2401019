using Fwatchdog.Execution;
using Microsoft.AspNetCore.Http;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Fwatchdog.Http;

/// <summary>
/// The request body as a function's stdin. Kestrel's refusals of the body (over max_request_bytes,
/// malformed chunks) become <see cref="InputRejectedException"/>, so the run names the cause without
/// knowing HTTP. The read deadline is the run's (read_timeout), not the stream's.
/// </summary>
internal sealed class RequestBodyInput(Stream body) : AsyncReadOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Rejection(e) is { } rejection)
        {
            throw rejection;
        }
    }

    /// <summary>The body's own fault, if <paramref name="error"/> is one; null for a failed read (connection reset, cancel).</summary>
    public static InputRejectedException? Rejection(Exception error) => error switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            new InputRejectedException(InputRejection.TooLarge, "Request body larger than max_request_bytes.", error),
        BadHttpRequestException bad => new InputRejectedException(InputRejection.Malformed, bad.Message, error),
        // Kestrel's chunked parser reports a chunk size beyond 64 bits this way, not as a bad
        // request; Go answers 400, and the connection must not just be reset.
        IOException { InnerException: OverflowException } => new InputRejectedException(InputRejection.Malformed, "a chunk size does not fit in 64 bits", error),
        _ => null,
    };
}
