using Fwatchdog.Configuration;

namespace Fwatchdog.Tests.Configuration;

/// <summary>Expected strings are what Go's time.Duration.String() prints for the same duration.</summary>
public class GoDurationFormatTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(30 * TimeSpan.TicksPerSecond, "30s")]
    [InlineData(90 * TimeSpan.TicksPerSecond, "1m30s")]
    [InlineData(2 * TimeSpan.TicksPerMinute, "2m0s")]
    [InlineData(TimeSpan.TicksPerHour, "1h0m0s")]
    [InlineData(TimeSpan.TicksPerHour + TimeSpan.TicksPerSecond, "1h0m1s")]
    [InlineData(25 * TimeSpan.TicksPerHour, "25h0m0s")]
    [InlineData(1500 * TimeSpan.TicksPerMillisecond, "1.5s")]
    [InlineData(90 * TimeSpan.TicksPerSecond + 5 * TimeSpan.TicksPerMillisecond, "1m30.005s")]
    [InlineData(500 * TimeSpan.TicksPerMillisecond, "500ms")]
    [InlineData(TimeSpan.TicksPerMillisecond, "1ms")]
    [InlineData(999 * TimeSpan.TicksPerMillisecond, "999ms")]
    [InlineData(250 * TimeSpan.TicksPerMicrosecond, "250µs")]
    [InlineData(TimeSpan.TicksPerMicrosecond, "1µs")]
    public void Matches_Go_for_whole_units(long ticks, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(ticks)));
    }

    // Go picks the largest sub-second unit the value reaches and prints a fraction of it: 1.5ms, not 1500µs.
    [Theory]
    [InlineData(1500 * TimeSpan.TicksPerMicrosecond, "1.5ms")]
    [InlineData(2 * TimeSpan.TicksPerMillisecond + 250 * TimeSpan.TicksPerMicrosecond, "2.25ms")]
    [InlineData(1, "100ns")]
    [InlineData(15, "1.5µs")]
    public void Matches_Go_for_fractional_sub_second_values(long ticks, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("1m30s")]
    [InlineData("500ms")]
    [InlineData("1h0m0s")]
    [InlineData("2h3m4.5s")]
    public void Formatted_values_parse_back_to_themselves(string text)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(text, GoDuration.Format(value));
    }
}
