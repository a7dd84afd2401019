namespace Fwatchdog.Telemetry;

/// <summary>A lock-free Prometheus histogram: per-bucket counts, a count and a sum.</summary>
internal sealed class Histogram
{
    /// <summary>Prometheus' default buckets (client_golang DefBuckets).</summary>
    public static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly double[] _upperBounds;
    private readonly long[] _bucketCounts;
    private long _count;
    private long _sumBits;

    public Histogram(double[] upperBounds)
    {
        _upperBounds = upperBounds;
        _bucketCounts = new long[upperBounds.Length];
    }

    public void Observe(double value)
    {
        var index = Array.BinarySearch(_upperBounds, value);
        if (index < 0)
            index = ~index;
        if (index < _bucketCounts.Length)
            Interlocked.Increment(ref _bucketCounts[index]);
        Interlocked.Increment(ref _count);

        long observed, updated;
        do
        {
            observed = Interlocked.Read(ref _sumBits);
            updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(observed) + value);
        }
        while (Interlocked.CompareExchange(ref _sumBits, updated, observed) != observed);
    }

    public void Write(PrometheusTextWriter writer, string name, string labels)
    {
        long cumulative = 0;
        for (var i = 0; i < _upperBounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _bucketCounts[i]);
            writer.Sample(name + "_bucket", labels, "le", PrometheusTextWriter.FormatValue(_upperBounds[i]), cumulative);
        }
        var count = Interlocked.Read(ref _count);
        writer.Sample(name + "_bucket", labels, "le", "+Inf", count);
        writer.Sample(name + "_sum", labels, BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits)));
        writer.Sample(name + "_count", labels, count);
    }
}
