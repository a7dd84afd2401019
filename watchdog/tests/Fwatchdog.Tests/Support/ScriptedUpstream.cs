using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Fwatchdog.Tests.Support;

/// <summary>
/// A raw TCP "function server" on 127.0.0.1 that a test drives byte for byte: every connection it
/// accepts reads one request head at a time (up to its empty line) and answers it with the next
/// scripted reply, exactly as given, in one write. It counts the connections it accepted and keeps
/// the request heads it read, so a test sees whether the forwarder reused a connection.
/// </summary>
internal sealed class ScriptedUpstream : IAsyncDisposable
{
    /// <summary>One answer: the bytes written in one send, and whether the connection is closed after them.</summary>
    public sealed record Step(byte[] Bytes, bool CloseAfter);

    private readonly TcpListener _listener;
    private readonly Channel<Step> _replies = Channel.CreateUnbounded<Step>();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _serving = [];
    private readonly List<string> _requests = [];
    private readonly Dictionary<int, Socket> _sockets = [];
    private readonly Task _accepting;
    private int _accepted;

    public ScriptedUpstream()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>How many connections were accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Each request head read (Latin-1), prefixed with the number of the connection it came on ("1: GET / ...").</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
                return [.. _requests];
        }
    }

    /// <summary>Queues the answer to the next request, on whichever connection it comes; the text is written as Latin-1 bytes.</summary>
    public void Reply(string latin1, bool closeAfter = false) => Reply(Encoding.Latin1.GetBytes(latin1), closeAfter);

    public void Reply(byte[] bytes, bool closeAfter = false) => _replies.Writer.TryWrite(new Step(bytes, closeAfter));

    /// <summary>Writes <paramref name="latin1"/> on connection <paramref name="connection"/> (numbered from 1) now, answering nothing: bytes on an idle connection.</summary>
    public async Task SendUnsolicitedAsync(int connection, string latin1, CancellationToken cancellationToken)
    {
        Socket socket;
        lock (_sockets)
            socket = _sockets[connection];
        var bytes = Encoding.Latin1.GetBytes(latin1).AsMemory();
        while (!bytes.IsEmpty)
            bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, cancellationToken)..];
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                var number = Interlocked.Increment(ref _accepted);
                lock (_sockets)
                    _sockets[number] = socket;
                lock (_serving)
                    _serving.Add(ServeAsync(socket, number));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped by DisposeAsync (an accept begun after Stop says "Not listening").
        }
    }

    private async Task ServeAsync(Socket socket, int number)
    {
        var pending = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int end;
                while ((end = HeadEnd(pending)) < 0)
                {
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                        return; // the forwarder closed the connection
                    pending.AddRange(buffer.AsSpan(0, read));
                }
                lock (_requests)
                    _requests.Add($"{number}: {Encoding.Latin1.GetString([.. pending.GetRange(0, end)])}");
                pending.RemoveRange(0, end);
                var reply = await _replies.Reader.ReadAsync(_stop.Token);
                var bytes = reply.Bytes.AsMemory();
                while (!bytes.IsEmpty)
                    bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, _stop.Token)..];
                if (reply.CloseAfter)
                {
                    socket.Shutdown(SocketShutdown.Both);
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or ChannelClosedException)
        {
            // The forwarder gave up on this connection (it read a broken answer), or the test ended.
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static int HeadEnd(List<byte> bytes)
    {
        for (var i = 3; i < bytes.Count; i++)
        {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r')
                return i + 1;
        }
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] serving;
        lock (_serving)
            serving = [.. _serving];
        await Task.WhenAll(serving);
        _stop.Dispose();
    }
}
