namespace Fwatchdog.Testing;

/// <summary>
/// Polls a condition that has no event to await (the /proc table, a file appearing) until it
/// holds or a deadline passes. Bounded in time; the interval is short because callers assert
/// latencies.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>True as soon as <paramref name="condition"/> holds; false if it still fails at the deadline.</summary>
    public static async Task<bool> TrueWithinAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (condition())
                return true;
            if (DateTime.UtcNow >= deadline)
                return false;
            await Task.Delay(interval ?? DefaultInterval).ConfigureAwait(false);
        }
    }

    /// <summary>As above, for conditions that need I/O (e.g. an HTTP probe).</summary>
    public static async Task<bool> TrueWithinAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition().ConfigureAwait(false))
                return true;
            if (DateTime.UtcNow >= deadline)
                return false;
            await Task.Delay(interval ?? DefaultInterval).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Observes until <paramref name="holds"/> is true of what was observed, and returns that
    /// observation; at the deadline throws <see cref="TimeoutException"/> with
    /// <paramref name="describe"/> of the last one, so the failure shows the real state.
    /// </summary>
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> observe, Func<T, bool> holds, TimeSpan timeout,
        Func<T, string> describe, TimeSpan? interval = null)
    {
        var last = default(T)!;
        if (await TrueWithinAsync(async () => holds(last = await observe().ConfigureAwait(false)), timeout, interval).ConfigureAwait(false))
            return last;
        throw new TimeoutException($"Still not so after {timeout.TotalSeconds:0.#}s: {describe(last)}");
    }
}
