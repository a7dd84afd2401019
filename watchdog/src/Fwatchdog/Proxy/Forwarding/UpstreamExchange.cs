using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Fwatchdog.Proxy.Forwarding;

/// <summary>
/// One request and its answer on one connection to the function's server. The steps, in order:
/// <list type="number">
/// <item><see cref="Head"/> is filled by the caller: the request head, and the body too when it is
/// small and already here.</item>
/// <item><see cref="StartAsync"/>: a pooled connection (or a new one) takes the head in one write;
/// a body still arriving (<see cref="StreamBody"/>) is sent behind it, framed as announced, while the
/// answer's head is awaited; interim 1xx answers are skipped. A reused connection that the server had
/// closed meanwhile is retried once on a new one, when no part of a streamed body had been read.</item>
/// <item><see cref="ReadBodyAsync"/>, until it returns nothing: the answer's body, unframed, piece by
/// piece; or <see cref="Upgrade"/> after a 101.</item>
/// <item><see cref="DisposeAsync"/>: the connection goes back to the pool when both messages ended
/// cleanly and the server keeps it open; otherwise it is closed.</item>
/// </list>
/// Failures are exceptions: <see cref="UpstreamProtocolException"/> when the server broke HTTP/1.1,
/// <see cref="SocketException"/> for the connection, <see cref="OperationCanceledException"/> for the
/// call's own limits, and the client's error, as it was raised, when reading its body failed.
/// </summary>
internal sealed class UpstreamExchange(UpstreamConnectionPool pool, bool headRequest, bool upgradeRequested) : IAsyncDisposable
{
    /// <summary>More interim answers than this before the real one is a server looping, not talking.</summary>
    private const int MaxInterim = 8;
    private const int StreamingSize = 64 * 1024;
    /// <summary>Room before a piece of a streamed chunked body for its size line ("ffff\r\n").</summary>
    private const int ChunkPrefix = 8;

    private UpstreamConnection? _connection;
    private BodyFraming _framing;
    private long _remaining;
    private ChunkedDecoder _chunks;
    private bool _responseEnded;
    private bool _requestEnded;
    private Task? _bodySend;
    private CancellationTokenSource? _bodyStop;
    private Exception? _clientBodyError;
    private bool _sendFailed;
    private long _bytesSent;

    public RequestHeadBuffer Head { get; } = new();

    /// <summary>
    /// The rest of the request body, read as it arrives; null when <see cref="Head"/> holds all of it.
    /// The exchange disposes it at its end: it carries the read_timeout timer, which must not outlive
    /// a call whose server answered before reading the whole body (the connection's next request would be cut).
    /// </summary>
    public Stream? StreamBody { get; set; }

    /// <summary>Whether <see cref="StreamBody"/> goes chunked (the client sent no length).</summary>
    public bool StreamChunked { get; set; }

    /// <summary>Body bytes of <see cref="StreamBody"/> sent so far (the inline ones are the caller's to count).</summary>
    public long StreamedBytes => Interlocked.Read(ref _bytesSent);

    public BodyFraming Framing => _framing;

    /// <summary>Step 2: sends the request and returns the answer's head.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ResponseHead> StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = (attempt == 0 ? pool.TryRent() : null) ?? await pool.ConnectAsync(cancellationToken).ConfigureAwait(false);
            _connection = connection;
            connection.Begin();
            try
            {
                await connection.SendAsync(Head.Written, cancellationToken).ConfigureAwait(false);
                var token = cancellationToken;
                if (StreamBody is not null)
                {
                    _bodyStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    token = _bodyStop.Token;
                    _bodySend = SendBodyAsync(connection, StreamBody, StreamChunked, cancellationToken);
                }
                else
                {
                    _requestEnded = true;
                }
                return await ReadHeadAsync(connection, token).ConfigureAwait(false);
            }
            catch (Exception e) when (connection.Reused && connection.Received == 0 && StreamBody is null && IsStale(e) && !cancellationToken.IsCancellationRequested)
            {
                // The server closed this idle connection as we wrote to it: nothing was processed, so try once on a new one.
                connection.Dispose();
                _connection = null;
            }
            catch (OperationCanceledException) when (_clientBodyError is not null)
            {
                ExceptionDispatchInfo.Throw(_clientBodyError);
                throw;
            }
        }
    }

    private static bool IsStale(Exception e) =>
        e is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted }
            or UpstreamProtocolException { Fault: UpstreamFault.ClosedBeforeAnswer };

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ResponseHead> ReadHeadAsync(UpstreamConnection connection, CancellationToken cancellationToken)
    {
        var head = connection.Head;
        var interim = 0;
        var searched = 0;
        while (true)
        {
            var data = connection.Buffered;
            var end = ResponseHeadParser.FindEnd(data, searched - 2);
            if (end < 0)
            {
                if (data.Length >= ResponseHeadParser.MaxHeadBytes)
                    throw UpstreamProtocolException.Invalid(UpstreamFault.HeadTooLarge, "a response head longer than 1 MiB");
                searched = data.Length;
                if (!await connection.ReceiveAsync(ResponseHeadParser.MaxHeadBytes, cancellationToken).ConfigureAwait(false))
                {
                    throw connection.Buffered.IsEmpty
                        ? new UpstreamProtocolException(UpstreamFault.ClosedBeforeAnswer, "the function's server closed the connection before answering")
                        : UpstreamProtocolException.Invalid(UpstreamFault.ClosedBeforeAnswer, "the connection closed in the middle of the response head");
                }
                continue;
            }
            ResponseHeadParser.Parse(data[..end], head, connection.Strings);
            connection.Consume(end);
            searched = 0;
            if (head.Status == 101)
            {
                if (!upgradeRequested)
                    throw UpstreamProtocolException.Invalid(UpstreamFault.UnexpectedInterim, "101 Switching Protocols to a request that asked for no upgrade");
                _framing = BodyFraming.None;
                return head;
            }
            if (head.IsInterim)
            {
                if (++interim > MaxInterim)
                    throw UpstreamProtocolException.Invalid(UpstreamFault.UnexpectedInterim, $"more than {MaxInterim} interim (1xx) answers");
                continue;
            }
            _framing = head.Framing(headRequest);
            _remaining = head.ContentLength;
            _responseEnded = _framing == BodyFraming.None || (_framing == BodyFraming.Length && _remaining == 0);
            return head;
        }
    }

    /// <summary>Step 3: the next piece of the answer's body (valid until the next call); empty at its end.</summary>
    public ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(CancellationToken cancellationToken)
    {
        var connection = _connection!;
        if (_framing == BodyFraming.Length && _remaining > 0 && !connection.Buffered.IsEmpty)
            return new(TakeLength(connection)); // the common case: the piece arrived with the head
        if (_responseEnded)
            return new(ReadOnlyMemory<byte>.Empty);
        return ReadBodySlowAsync(connection, _bodyStop?.Token ?? cancellationToken);
    }

    private ReadOnlyMemory<byte> TakeLength(UpstreamConnection connection)
    {
        var length = (int)Math.Min(_remaining, connection.Buffered.Length);
        var piece = connection.BufferedMemory[..length];
        connection.Consume(length);
        _remaining -= length;
        _responseEnded = _remaining == 0;
        return piece;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ReadBodySlowAsync(UpstreamConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                switch (_framing)
                {
                    case BodyFraming.Length when !connection.Buffered.IsEmpty:
                        return TakeLength(connection);
                    case BodyFraming.Chunked:
                        var used = _chunks.Decode(connection.Buffered, out var data);
                        if (data.End.Value > data.Start.Value)
                        {
                            var piece = connection.BufferedMemory[data];
                            connection.Consume(used);
                            return piece;
                        }
                        connection.Consume(used);
                        if (_chunks.Done)
                        {
                            _responseEnded = connection.Buffered.IsEmpty; // bytes after the last chunk: the connection is out of step
                            return ReadOnlyMemory<byte>.Empty;
                        }
                        break;
                    case BodyFraming.UntilClose when !connection.Buffered.IsEmpty:
                        var rest = connection.BufferedMemory;
                        connection.Consume(rest.Length);
                        return rest;
                }
                if (!await connection.ReceiveAsync(StreamingSize, cancellationToken).ConfigureAwait(false))
                {
                    if (_framing == BodyFraming.UntilClose)
                    {
                        _responseEnded = true; // the server's close is this body's end; the connection is not reused
                        return ReadOnlyMemory<byte>.Empty;
                    }
                    throw UpstreamProtocolException.Invalid(UpstreamFault.ClosedMidBody, _framing == BodyFraming.Length
                        ? $"the connection closed {_remaining} bytes before the end of the Content-Length body"
                        : "the connection closed before the last chunk of the body");
                }
            }
        }
        catch (OperationCanceledException) when (_clientBodyError is not null)
        {
            ExceptionDispatchInfo.Throw(_clientBodyError);
            throw;
        }
    }

    /// <summary>Step 3 after a 101: the connection, with what the server sent after its head, as one stream; the exchange lets go of it.</summary>
    public Stream Upgrade()
    {
        var connection = _connection ?? throw new InvalidOperationException("No connection to upgrade.");
        _connection = null;
        return new UpgradedConnectionStream(connection.Socket, connection.TakeBuffered());
    }

    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

    /// <summary>
    /// The request body behind the head. A failed read is the client's error: it is kept and stops the
    /// exchange, so the endpoint reports the client's fault and not a silent server. A failed send only
    /// ends the sending: the server may have answered early, or closed, and its answer is still read.
    /// Either way the connection is not reused. Once the exchange stopped it, nothing here is an error.
    /// </summary>
    private async Task SendBodyAsync(UpstreamConnection connection, Stream body, bool chunked, CancellationToken callToken)
    {
        var stop = _bodyStop!.Token;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    // Only the call's own end cancels a read: a cancelled read leaves Kestrel's body
                    // reader "in progress", and its drain after an early answer then fails. Stopping
                    // after an early answer waits for the read under way instead (read_timeout bounds it).
                    read = await body.ReadAsync(buffer.AsMemory(ChunkPrefix, buffer.Length - ChunkPrefix - 2), callToken).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    if (!stop.IsCancellationRequested && !callToken.IsCancellationRequested)
                    {
                        _clientBodyError = e;
                        await _bodyStop.CancelAsync().ConfigureAwait(false);
                    }
                    _sendFailed = true;
                    return;
                }
                if (read == 0)
                    break;
                if (stop.IsCancellationRequested)
                {
                    _sendFailed = true; // answered early: the rest of the body is not sent
                    return;
                }
                if (!await TrySendAsync(connection, chunked ? Chunk(buffer, read) : buffer.AsMemory(ChunkPrefix, read), stop).ConfigureAwait(false))
                    return;
                Interlocked.Add(ref _bytesSent, read);
                if (read == buffer.Length - ChunkPrefix - 2 && buffer.Length < StreamingSize)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(StreamingSize);
                }
            }
            if (chunked && !await TrySendAsync(connection, LastChunk, stop).ConfigureAwait(false))
                return;
            _requestEnded = true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> TrySendAsync(UpstreamConnection connection, ReadOnlyMemory<byte> bytes, CancellationToken stop)
    {
        try
        {
            await connection.SendAsync(bytes, stop).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _sendFailed = true; // the server stopped reading, or the exchange ended: see above
            return false;
        }
    }

    /// <summary>Frames the piece at <see cref="ChunkPrefix"/> in place: its size line before, CRLF after.</summary>
    private static ReadOnlyMemory<byte> Chunk(byte[] buffer, int length)
    {
        Span<byte> size = stackalloc byte[8];
        length.TryFormat(size, out var digits, "x");
        var start = ChunkPrefix - digits - 2;
        size[..digits].CopyTo(buffer.AsSpan(start));
        buffer[ChunkPrefix - 2] = (byte)'\r';
        buffer[ChunkPrefix - 1] = (byte)'\n';
        buffer[ChunkPrefix + length] = (byte)'\r';
        buffer[ChunkPrefix + length + 1] = (byte)'\n';
        return buffer.AsMemory(start, ChunkPrefix - start + length + 2);
    }

    /// <summary>Step 4.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask DisposeAsync()
    {
        if (_bodySend is not null)
        {
            if (!_bodySend.IsCompleted)
                await _bodyStop!.CancelAsync().ConfigureAwait(false); // answered before the body was sent: stop sending it
            await _bodySend.ConfigureAwait(false);
        }
        _bodyStop?.Dispose();
        if (StreamBody is not null)
            await StreamBody.DisposeAsync().ConfigureAwait(false);
        Head.Dispose();
        if (_connection is not { } connection)
            return;
        _connection = null;
        var head = connection.Head;
        var reusable = _responseEnded && _requestEnded && !_sendFailed && !upgradeRequested && head.Persistent
            && _framing != BodyFraming.UntilClose
            // Both framings, or chunked in HTTP/1.0 (RFC 9112 §6.1: faulty framing): never trust this connection again.
            && !(head.Chunked && (head.ContentLength != ResponseHead.NoLength || head.Http10))
            && connection.Buffered.IsEmpty;
        if (reusable)
        {
            connection.End();
            pool.Return(connection);
        }
        else
        {
            connection.Dispose();
        }
    }
}
