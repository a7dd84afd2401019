using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;
using Fwatchdog.Execution;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// HTTP/1.1 chunked framing written by the watchdog itself, because Kestrel can neither send
/// trailers on HTTP/1.1 nor end a chunked body without its last chunk short of resetting the
/// connection. With the response's Transfer-Encoding set to chunked, Kestrel passes the bytes
/// through untouched; each write becomes one chunk (one flush), <see cref="EndAsync"/> writes
/// the last chunk with an optional trailer, and a body that is never ended tells the client that
/// the response is incomplete.
/// </summary>
internal sealed class ChunkedBody : WriteOnlyStream
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    private readonly PipeWriter _writer;

    private ChunkedBody(PipeWriter writer) => _writer = writer;

    /// <summary>
    /// The stream that frames <paramref name="response"/>'s body. The caller marks the response
    /// <c>Transfer-Encoding: chunked</c> before it starts, so that a response answered otherwise
    /// (cgi_response's early failures) is not left claiming a framing it does not have.
    /// </summary>
    public static ChunkedBody Over(HttpResponse response) => new(response.BodyWriter);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return; // an empty chunk would end the body
        var header = _writer.GetSpan(18);
        Utf8Formatter.TryFormat((uint)buffer.Length, header, out var written, new StandardFormat('x'));
        CrLf.CopyTo(header[written..]);
        _writer.Advance(written + CrLf.Length);
        _writer.Write(buffer.Span);
        _writer.Write(CrLf);
        await FlushAsync(_writer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Kestrel answers a flush cancelled while it waits on a slow client by aborting the connection
    /// and returning normally, and a flush into a connection aborted meanwhile as completed: either
    /// way the caller must still learn that its bytes did not go out.
    /// </summary>
    private static async ValueTask FlushAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        var result = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || cancellationToken.IsCancellationRequested)
            throw new OperationCanceledException("The response could not be written before its deadline.", cancellationToken);
        if (result.IsCompleted)
            throw new IOException("The connection was closed before the response was written.");
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>The last chunk, then <paramref name="trailerName"/>: <paramref name="trailerValue"/> when given.</summary>
    public async Task EndAsync(string? trailerName, string? trailerValue, CancellationToken cancellationToken)
    {
        _writer.Write("0\r\n"u8);
        if (trailerName is not null)
            _writer.Write(Encoding.ASCII.GetBytes($"{trailerName}: {trailerValue}\r\n"));
        _writer.Write(CrLf);
        await FlushAsync(_writer, cancellationToken).ConfigureAwait(false);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _writer.FlushAsync(cancellationToken).AsTask();

    public override void Flush() => throw new NotSupportedException("The response is written asynchronously.");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The response is written asynchronously.");
}
