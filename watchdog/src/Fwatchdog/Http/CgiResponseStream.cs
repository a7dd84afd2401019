using Fwatchdog.Execution;
using Fwatchdog.Telemetry;

namespace Fwatchdog.Http;

/// <summary>
/// cgi_response=true in streaming mode: stands between the function's stdout and the response body. The header block
/// is read first; when it ends, <paramref name="onHeaders"/> runs (streaming mode sends the headers
/// then) and the rest passes through as the body. An invalid block, or a body after a status that
/// allows none, is logged once and recorded in <see cref="Fault"/>; the rest of the output is then
/// discarded, so the function still runs to its end as it would without cgi_response.
/// </summary>
internal sealed class CgiResponseStream(Stream body, RequestLog log, Func<CgiResponseHeaders, Task> onHeaders) : WriteOnlyStream
{
    private readonly CgiHeaderReader _reader = new();

    public string? Fault { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Fault is not null)
            return;
        if (_reader.Headers is null)
        {
            var used = _reader.Read(buffer.Span);
            if (_reader.Fault is { } fault)
            {
                Reject(fault);
                return;
            }
            if (_reader.Headers is not { } headers)
                return;
            await onHeaders(headers).ConfigureAwait(false);
            buffer = buffer[used..];
        }
        if (buffer.IsEmpty)
            return;
        if (!_reader.Headers.AllowsBody)
        {
            Reject(CgiResponse.NoBodyAllowed(_reader.Headers));
            return;
        }
        await body.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Call when the output has ended. Returns why the output is not a valid CGI response, or null.</summary>
    public string? Complete()
    {
        if (Fault is null)
        {
            _reader.End();
            if (_reader.Fault is { } fault)
                Reject(fault);
        }
        return Fault;
    }

    private void Reject(string fault)
    {
        Fault = fault;
        CgiResponse.LogFault(log, fault);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("CgiResponseStream is written asynchronously.");
}
