using System.Net;
using System.Net.Sockets;

namespace Fwatchdog.Proxy.Forwarding;

/// <summary>
/// The idle keep-alive connections to the function's server, newest on top (a hot connection is
/// reused first; the oldest age out). No per-server limit: 64 concurrent clients get 64
/// connections, reused. A connection idle longer than <see cref="IdleTimeout"/> is closed, before
/// the server's own idle timer can race a request onto it.
/// </summary>
internal sealed class UpstreamConnectionPool : IDisposable
{
    /// <summary>Shorter than Node's default keepAliveTimeout (5 s), as SocketsHttpHandler was set before.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(4);

    /// <summary>More idle connections than this are closed instead of kept: a burst's leftovers hold no descriptors for long.</summary>
    private const int MaxIdle = 256;

    private readonly EndPoint _endpoint;
    private readonly TimeProvider _time;
    private readonly List<UpstreamConnection> _idle = new(64);
    private readonly Lock _lock = new();
    private readonly ITimer _scavenger;
    private bool _disposed;

    public UpstreamConnectionPool(EndPoint endpoint, TimeProvider time)
    {
        _endpoint = endpoint;
        _time = time;
        _scavenger = time.CreateTimer(static pool => ((UpstreamConnectionPool)pool!).CloseExpired(), this, IdleTimeout, IdleTimeout);
    }

    /// <summary>
    /// The newest idle connection that has not expired and is quiet; null when there is none. A
    /// connection that is readable while idle — the server closed it, or sent bytes nobody asked for
    /// (the late half of a split answer) — is closed instead: those bytes must never be read as the
    /// next caller's answer (Go's client drops it too: "Unsolicited response received on idle HTTP
    /// channel"). The check is one poll(2) per reuse.
    /// </summary>
    public UpstreamConnection? TryRent()
    {
        while (true)
        {
            UpstreamConnection connection;
            lock (_lock)
            {
                if (_idle.Count == 0)
                    return null;
                connection = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
            }
            if (!Expired(connection) && !connection.Socket.Poll(0, SelectMode.SelectRead))
                return connection;
            connection.Dispose();
        }
    }

    /// <summary>A server whose listen queue is full drops the handshake silently; this bounds the wait, as SocketsHttpHandler's ConnectTimeout did.</summary>
    private static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(10);

    /// <summary>A new connection, Nagle off (every head and piece is sent whole, at once).</summary>
    public async ValueTask<UpstreamConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ConnectLimit);
        try
        {
            var socket = await UpstreamConnections.ConnectSocketAsync(_endpoint, limit.Token).ConfigureAwait(false);
            return new UpstreamConnection(socket);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"the function's server did not accept a connection within {ConnectLimit.TotalSeconds:0}s (is its listen queue full?)");
        }
    }

    /// <summary>Keeps a connection whose exchange ended cleanly for the next one.</summary>
    public void Return(UpstreamConnection connection)
    {
        connection.IdleSince = _time.GetTimestamp();
        connection.Reused = true;
        lock (_lock)
        {
            if (!_disposed && _idle.Count < MaxIdle)
            {
                _idle.Add(connection);
                return;
            }
        }
        connection.Dispose();
    }

    private bool Expired(UpstreamConnection connection) => _time.GetElapsedTime(connection.IdleSince) >= IdleTimeout;

    /// <summary>The scavenger's tick: the oldest connections are at the bottom of the stack.</summary>
    private void CloseExpired()
    {
        lock (_lock)
        {
            var expired = 0;
            while (expired < _idle.Count && Expired(_idle[expired]))
                _idle[expired++].Dispose();
            _idle.RemoveRange(0, expired);
        }
    }

    public int IdleCount
    {
        get
        {
            lock (_lock)
                return _idle.Count;
        }
    }

    public void Dispose()
    {
        _scavenger.Dispose();
        lock (_lock)
        {
            _disposed = true;
            foreach (var connection in _idle)
                connection.Dispose();
            _idle.Clear();
        }
    }
}
