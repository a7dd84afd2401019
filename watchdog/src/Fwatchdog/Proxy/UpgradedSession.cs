using Fwatchdog.Execution;

namespace Fwatchdog.Proxy;

/// <summary>
/// A connection both sides switched to another protocol (WebSocket, or any <c>Upgrade</c> the upstream
/// accepted with 101): bytes are relayed both ways, each direction through its own pooled buffer that
/// grows to at most 64 KiB, so a session's memory is bounded whatever flows. When either side ends —
/// closes, resets, or the client's connection is aborted (shutdown) — the other is closed too: a
/// half-open relay would hold the slot and both sockets for nothing.
/// </summary>
internal sealed class UpgradedSession(Stream client, Stream upstream)
{
    public long BytesFromClient { get; private set; }
    public long BytesFromUpstream { get; private set; }

    /// <summary>Relays until either side ends; never throws for the ordinary ways a session ends.</summary>
    /// <returns>Why it ended, for the log.</returns>
    public async Task<string> RelayAsync(CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var toUpstream = CopyAsync(client, upstream, bytes => BytesFromClient += bytes, stop.Token);
        var toClient = CopyAsync(upstream, client, bytes => BytesFromUpstream += bytes, stop.Token);
        var first = await Task.WhenAny(toUpstream, toClient).ConfigureAwait(false);
        stop.Cancel(); // the other direction ends now, whatever it was waiting for
        // Disposing unblocks a read the cancellation cannot reach (a stream that ignores its token).
        await client.DisposeAsync().ConfigureAwait(false);
        await upstream.DisposeAsync().ConfigureAwait(false);
        var reasons = await Task.WhenAll(toUpstream, toClient).ConfigureAwait(false);
        if (aborted.IsCancellationRequested)
            return "the client's connection was aborted";
        return first == toUpstream ? $"the client {reasons[0]}" : $"the function's server {reasons[1]}";
    }

    private static async Task<string> CopyAsync(Stream from, Stream to, Action<int> counted, CancellationToken token)
    {
        var buffer = new CopyBuffer();
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer.Memory, token).ConfigureAwait(false);
                if (read == 0)
                    return "closed the connection";
                await to.WriteAsync(buffer.Memory[..read], token).ConfigureAwait(false);
                await to.FlushAsync(token).ConfigureAwait(false);
                counted(read);
                buffer.Observe(read);
            }
        }
        catch (OperationCanceledException)
        {
            return "was closed"; // the other direction ended first
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or HttpRequestException)
        {
            return $"failed: {e.Message}"; // a reset or a write to a side already gone: the session is over either way
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
