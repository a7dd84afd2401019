using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Serilog;

namespace Fwatchdog.Proxy;

/// <summary>
/// Whether the upstream accepts TCP connections yet: probed from start-up until it does (or its
/// process exits), every 10 ms at first and backing off to 100 ms, so a server that is up in
/// 50 ms is noticed within a few milliseconds and a slow one costs almost nothing.
/// </summary>
internal sealed class UpstreamReadiness(EndPoint endpoint, ILogger log)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the upstream accepted a connection; false when its process exited first.</summary>
    public Task<bool> Ready => _ready.Task;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully && _ready.Task.Result;

    public async Task ProbeAsync(Task exited)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = FirstDelay;
        while (!exited.IsCompleted)
        {
            if (await TryConnectAsync().ConfigureAwait(false))
            {
                log.Information("Upstream ready: {endpoint} accepted a connection after {seconds:F3}s", endpoint, Stopwatch.GetElapsedTime(started).TotalSeconds);
                _ready.TrySetResult(true);
                return;
            }
            await Task.WhenAny(Task.Delay(delay), exited).ConfigureAwait(false);
            delay = delay * 2 < LongestDelay ? delay * 2 : LongestDelay;
        }
        _ready.TrySetResult(false);
    }

    private async Task<bool> TryConnectAsync()
    {
        using var limit = new CancellationTokenSource(ConnectLimit);
        try
        {
            // The same connect the forwarded requests use, so "ready" means they can connect too.
            await using var connection = await UpstreamConnections.ConnectAsync(endpoint, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false; // not listening yet: the normal case while the server starts
        }
    }
}
