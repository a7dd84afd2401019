using System.Net;
using Fwatchdog.Execution;

namespace Fwatchdog.Proxy;

/// <summary>
/// The client's request body streamed to the upstream as it arrives: with its Content-Length when
/// the client sent one, chunked otherwise. Counts the bytes for function_bytes_in_total.
/// </summary>
internal sealed class RequestBodyContent(Stream body, long? length) : HttpContent
{
    private long _bytesSent;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new CopyBuffer();
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.Memory, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer.Memory[..read], cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _bytesSent, read);
                buffer.Observe(read);
            }
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>
    /// Disposes the body too: it carries the read_timeout timer, which must not outlive a call whose
    /// upstream answered before reading the whole body (the connection's next request would be cut).
    /// </summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            body.Dispose();
        base.Dispose(disposing);
    }

    protected override bool TryComputeLength(out long computed)
    {
        computed = length ?? 0;
        return length.HasValue;
    }
}
