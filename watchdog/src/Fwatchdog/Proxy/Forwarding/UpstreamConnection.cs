using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Fwatchdog.Proxy.Forwarding;

/// <summary>
/// One keep-alive TCP connection to the function's server, and the bytes received on it that no one
/// has consumed yet. The receive buffer is rented for an exchange and given back when the connection
/// goes idle, so idle connections hold no memory but their socket; it grows (up to
/// <see cref="ResponseHeadParser.MaxHeadBytes"/>) only for a head that does not fit, and to 64 KiB
/// while a long body keeps filling it, as <see cref="Execution.CopyBuffer"/> does.
/// </summary>
internal sealed class UpstreamConnection(Socket socket) : IDisposable
{
    private const int InitialSize = 16 * 1024;
    private const int StreamingSize = 64 * 1024;

    private byte[]? _buffer;
    private int _start;
    private int _end;

    public Socket Socket { get; } = socket;

    /// <summary>The last answer's head, parsed in place for each exchange.</summary>
    public ResponseHead Head { get; } = new();

    /// <summary>The strings the last heads on this connection were made of, reused when the bytes repeat.</summary>
    public HeaderStrings Strings { get; } = new();

    /// <summary>When it went back to the pool (a <see cref="TimeProvider"/> timestamp).</summary>
    public long IdleSince { get; set; }

    /// <summary>Whether it has carried an exchange before this one (a server may have closed it meanwhile).</summary>
    public bool Reused { get; set; }

    /// <summary>Bytes received during the current exchange: none means a reused connection failed before any answer.</summary>
    public long Received { get; private set; }

    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    public ReadOnlyMemory<byte> BufferedMemory => _buffer.AsMemory(_start, _end - _start);

    public void Consume(int count)
    {
        Debug.Assert(count >= 0 && count <= _end - _start);
        _start += count;
        if (_start == _end)
            _start = _end = 0;
    }

    /// <summary>Takes the connection for one exchange.</summary>
    public void Begin()
    {
        Debug.Assert(_buffer is null && _start == 0 && _end == 0, "an idle connection holds no unread bytes");
        _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        Received = 0;
    }

    /// <summary>
    /// Receives more bytes after those buffered; false when the server closed its side. A full buffer
    /// is compacted, or grown when it holds one unfinished head (<paramref name="growTo"/>) or a body
    /// that keeps filling it.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReceiveAsync(int growTo, CancellationToken cancellationToken)
    {
        var buffer = _buffer!;
        if (_end == buffer.Length)
        {
            if (_start > 0)
            {
                buffer.AsSpan(_start, _end - _start).CopyTo(buffer);
                _end -= _start;
                _start = 0;
            }
            else if (buffer.Length < growTo)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 4, growTo));
                buffer.AsSpan(0, _end).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                _buffer = buffer = larger;
            }
        }
        var free = buffer.AsMemory(_end);
        Debug.Assert(!free.IsEmpty, "a receive into no room would read as the server's close");
        var read = await Socket.ReceiveAsync(free, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        _end += read;
        Received += read;
        if (read == free.Length && _start == 0 && buffer.Length < StreamingSize && growTo <= StreamingSize)
            Grow(StreamingSize);
        return read > 0;
    }

    private void Grow(int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent(size);
        Buffered.CopyTo(larger);
        _end -= _start;
        _start = 0;
        ArrayPool<byte>.Shared.Return(_buffer!);
        _buffer = larger;
    }

    /// <summary>Sends all of <paramref name="bytes"/>; no state machine when the kernel takes them at once (the usual case).</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var pending = Socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
        return pending.IsCompletedSuccessfully && pending.Result == bytes.Length ? default : SendRestAsync(pending, bytes, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendRestAsync(ValueTask<int> pending, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        bytes = bytes[await pending.ConfigureAwait(false)..];
        while (!bytes.IsEmpty)
            bytes = bytes[await Socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false)..];
    }

    /// <summary>The exchange ended with nothing left unread: the buffer goes back, the socket stays open for the next one.</summary>
    public void End()
    {
        Debug.Assert(_start == _end, "a connection goes idle only with every byte it received consumed");
        ReturnBuffer();
    }

    /// <summary>Hands the unread bytes over (an upgraded connection's first bytes) and gives the buffer back.</summary>
    public byte[] TakeBuffered()
    {
        var rest = Buffered.ToArray();
        ReturnBuffer();
        return rest;
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _start = _end = 0;
    }

    public void Dispose()
    {
        ReturnBuffer();
        Socket.Dispose();
    }
}
