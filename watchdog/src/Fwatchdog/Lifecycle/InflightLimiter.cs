namespace Fwatchdog.Lifecycle;

/// <summary>max_inflight: at most N function calls at once; the N+1th is refused at once (429), never queued.</summary>
public sealed class InflightLimiter(int maximum)
{
    private int _current;

    public int Current => Volatile.Read(ref _current);

    public int Maximum => maximum;

    public bool IsSaturated => maximum > 0 && Current >= maximum;

    public bool TryEnter()
    {
        if (maximum <= 0)
        {
            Interlocked.Increment(ref _current);
            return true;
        }
        while (true)
        {
            var current = Volatile.Read(ref _current);
            if (current >= maximum)
                return false;
            if (Interlocked.CompareExchange(ref _current, current + 1, current) == current)
                return true;
        }
    }

    public void Exit() => Interlocked.Decrement(ref _current);
}
