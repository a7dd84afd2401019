using Fwatchdog.Execution;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Fwatchdog.Http;

/// <summary>
/// The request body as a function's stdin. Kestrel's refusals of the body (over max_request_bytes,
/// malformed chunks) become <see cref="InputRejectedException"/>, so the run names the cause without
/// knowing HTTP; a body its client stopped sending by closing the connection becomes
/// <see cref="InputAbandonedException"/>. The read deadline is the run's (read_timeout), not the stream's.
/// </summary>
internal sealed class RequestBodyInput(Stream body) : AsyncReadOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Abandoned(e))
        {
            throw new InputAbandonedException($"the client left before its whole request body arrived ({e.Message})", e);
        }
        catch (Exception e) when (Rejection(e) is { } rejection)
        {
            throw rejection;
        }
    }

    /// <summary>
    /// Kestrel's words (it has no public reason code) for a body whose connection ended before the
    /// declared Content-Length or the last chunk arrived.
    /// </summary>
    private const string UnexpectedEndMessage = "Unexpected end of request content.";

    /// <summary>
    /// The client closed (a FIN before the body's end) or reset its connection while the body was
    /// read: it left, and its body was not malformed.
    /// </summary>
    public static bool Abandoned(Exception error) =>
        error is ConnectionResetException or BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest, Message: UnexpectedEndMessage };

    /// <summary>The body's own fault, if <paramref name="error"/> is one; null for a read that failed otherwise or was abandoned (<see cref="Abandoned"/>).</summary>
    public static InputRejectedException? Rejection(Exception error) => error switch
    {
        _ when Abandoned(error) => null,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            new InputRejectedException(InputRejection.TooLarge, "Request body larger than max_request_bytes.", error),
        BadHttpRequestException bad => new InputRejectedException(InputRejection.Malformed, bad.Message, error),
        // Kestrel's chunked parser reports a chunk size beyond 64 bits this way, not as a bad
        // request; Go answers 400, and the connection must not just be reset.
        IOException { InnerException: OverflowException } => new InputRejectedException(InputRejection.Malformed, "a chunk size does not fit in 64 bits", error),
        _ => null,
    };
}
