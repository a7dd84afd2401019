using Fwatchdog.Lifecycle;

namespace Fwatchdog.Tests.Lifecycle;

public class InflightLimiterTests
{
    [Fact]
    public void Admits_up_to_the_maximum_then_refuses()
    {
        var limiter = new InflightLimiter(2);

        Assert.True(limiter.TryEnter());
        Assert.False(limiter.IsSaturated);
        Assert.True(limiter.TryEnter());
        Assert.True(limiter.IsSaturated);
        Assert.False(limiter.TryEnter());
        Assert.Equal(2, limiter.Current);
    }

    [Fact]
    public void Leaving_makes_room_again()
    {
        var limiter = new InflightLimiter(1);
        Assert.True(limiter.TryEnter());
        Assert.False(limiter.TryEnter());

        limiter.Exit();

        Assert.False(limiter.IsSaturated);
        Assert.True(limiter.TryEnter());
    }

    [Fact]
    public void Zero_means_unlimited_but_still_counted()
    {
        var limiter = new InflightLimiter(0);

        for (var i = 0; i < 1000; i++)
            Assert.True(limiter.TryEnter());

        Assert.False(limiter.IsSaturated);
        Assert.Equal(1000, limiter.Current);
        limiter.Exit();
        Assert.Equal(999, limiter.Current);
    }

    [Fact]
    public void Concurrent_entries_never_exceed_the_maximum()
    {
        const int maximum = 5;
        var limiter = new InflightLimiter(maximum);
        var admitted = 0;

        Parallel.For(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (limiter.TryEnter())
                Interlocked.Increment(ref admitted);
        });

        Assert.Equal(maximum, admitted);
        Assert.Equal(maximum, limiter.Current);
    }
}
