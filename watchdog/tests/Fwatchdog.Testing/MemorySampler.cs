namespace Fwatchdog.Testing;

/// <summary>
/// Samples a process's VmRSS on a background loop until disposed and remembers the maximum; the
/// kernel's own VmHWM complements it because samples can miss short spikes.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _maxRss;
    private int _samples;

    public MemorySampler(int pid, TimeSpan? interval = null)
    {
        _pid = pid;
        _loop = Task.Run(() => SampleAsync(interval ?? TimeSpan.FromMilliseconds(25)));
    }

    public long MaxRssBytes => Interlocked.Read(ref _maxRss);
    public int Samples => Volatile.Read(ref _samples);

    /// <summary>VmHWM right now, i.e. the peak resident size over the process's whole life.</summary>
    public long PeakRssBytes => ProcFs.Memory(_pid)?.PeakRssBytes ?? 0;

    private async Task SampleAsync(TimeSpan interval)
    {
        while (!_stop.IsCancellationRequested)
        {
            if (ProcFs.Memory(_pid) is { } usage && usage.RssBytes > Interlocked.Read(ref _maxRss))
                Interlocked.Exchange(ref _maxRss, usage.RssBytes);
            Interlocked.Increment(ref _samples);
            try { await Task.Delay(interval, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
