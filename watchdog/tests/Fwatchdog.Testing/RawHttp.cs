using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fwatchdog.Testing;

/// <summary>
/// Plain-socket HTTP/1.1 for what HttpClient hides: oversized headers the server rejects while we
/// are still sending, closing the connection mid-request, bytes HttpClient would refuse to send,
/// and connections the server closes.
/// </summary>
public static class RawHttp
{
    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).ConfigureAwait(false);
        return socket;
    }

    /// <summary>
    /// Writes <paramref name="request"/> in the background (a server may reject and stop reading
    /// part-way, so write errors are expected) and returns the status code of the response.
    /// </summary>
    public static async Task<int> SendAndReadStatusAsync(int port, byte[] request, TimeSpan timeout)
    {
        using var socket = await ConnectAsync(port).ConfigureAwait(false);
        using var cts = new CancellationTokenSource(timeout);
        var writing = Task.Run(async () =>
        {
            try { await socket.SendAsync(request, SocketFlags.None, cts.Token).ConfigureAwait(false); }
            catch (SocketException) { }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { }
        });

        var received = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            while (!received.ToString().Contains("\r\n", StringComparison.Ordinal))
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
                if (n == 0)
                    break;
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No response status line within {timeout.TotalSeconds:0.#}s.");
        }
        finally
        {
            socket.Close();
            await writing.ConfigureAwait(false);
        }

        var statusLine = received.ToString().Split("\r\n")[0];
        var parts = statusLine.Split(' ');
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal))
            throw new InvalidDataException($"Not an HTTP response: \"{statusLine}\"");
        return int.Parse(parts[1], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Sends <paramref name="request"/> (which should ask for <c>Connection: close</c>) and returns
    /// everything the server sent until it closed, one char per byte (Latin-1), so tests can see
    /// exact header bytes.
    /// </summary>
    public static async Task<string> ExchangeAsync(int port, byte[] request, TimeSpan timeout)
    {
        using var socket = await ConnectAsync(port).ConfigureAwait(false);
        using var cts = new CancellationTokenSource(timeout);
        await socket.SendAsync(request, SocketFlags.None, cts.Token).ConfigureAwait(false);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false)) > 0)
                received.Write(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The server did not close the connection within {timeout.TotalSeconds:0.#}s. Received:\n{Encoding.Latin1.GetString(received.ToArray())}");
        }
        return Encoding.Latin1.GetString(received.ToArray());
    }

    /// <summary>
    /// Reads and discards until the server closes <paramref name="socket"/> (FIN or reset); false
    /// when it is still open after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<bool> WaitForCloseAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return true; // reset: closed as well
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A complete POST with a body, as ASCII/UTF-8 bytes ready to send.</summary>
    public static byte[] Post(string path, string body, params (string Name, string Value)[] headers)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        foreach (var (name, value) in headers)
            text.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        var payload = Encoding.UTF8.GetBytes(body);
        text.Append(CultureInfo.InvariantCulture, $"Content-Length: {payload.Length}\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(text.ToString()), .. payload];
    }
}
