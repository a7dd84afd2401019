using Fwatchdog.Configuration;

namespace Fwatchdog.Tests.Configuration;

public class GoDurationParseTests
{
    [Theory]
    [InlineData("500ms", 500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("10s", 10 * TimeSpan.TicksPerSecond)]
    [InlineData("1m30s", 90 * TimeSpan.TicksPerSecond)]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("2h45m", 165 * TimeSpan.TicksPerMinute)]
    [InlineData(".5s", 500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1500us", 1500 * TimeSpan.TicksPerMicrosecond)]
    [InlineData("1500µs", 1500 * TimeSpan.TicksPerMicrosecond)]
    [InlineData("300ns", 3)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("30", 30 * TimeSpan.TicksPerSecond)]
    [InlineData("+5s", 5 * TimeSpan.TicksPerSecond)]
    public void Parses_bare_seconds_and_Go_durations(string text, long expectedTicks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(expectedTicks), value);
    }

    [Theory]
    [InlineData("10x")]
    [InlineData("-1s")]
    [InlineData("-5")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("s")]
    [InlineData(".")]
    [InlineData("1.5")]
    [InlineData("1m30")]
    [InlineData(" 10s")]
    [InlineData("10s ")]
    [InlineData("1e3s")]
    [InlineData("ten seconds")]
    public void Rejects_what_is_not_a_non_negative_duration(string? text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData("99999999999999")]
    [InlineData("9223372036854775807")]
    [InlineData("99999999999h")]
    public void Out_of_range_values_are_rejected_not_thrown(string text)
    {
        var parsed = GoDuration.TryParse(text, out _);

        Assert.False(parsed);
    }

    [Theory]
    [InlineData("2000h")]
    [InlineData("1195h")]
    [InlineData("99999999")]
    public void Timeouts_longer_than_timers_accept_are_clamped(string text)
    {
        Assert.True(GoDuration.TryParseTimeout(text, out var value, out var clamped));

        Assert.True(clamped);
        Assert.Equal(GoDuration.MaxTimer, value);
        using var timer = new CancellationTokenSource(value); // would throw if it were one millisecond longer
    }

    [Fact]
    public void The_longest_timer_is_just_under_50_days()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(4294967294), GoDuration.MaxTimer);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CancellationTokenSource(GoDuration.MaxTimer + TimeSpan.FromMilliseconds(1)));
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("1193h")]
    public void Timeouts_within_range_are_kept(string text)
    {
        Assert.True(GoDuration.TryParseTimeout(text, out var value, out var clamped));

        Assert.False(clamped);
        Assert.True(GoDuration.TryParse(text, out var parsed));
        Assert.Equal(parsed, value);
    }

    [Fact]
    public void A_zero_limit_means_none()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, GoDuration.NoneIfZero(TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(3), GoDuration.NoneIfZero(TimeSpan.FromSeconds(3)));
    }
}
