using System.Globalization;

namespace Fwatchdog.Configuration;

/// <summary>
/// Parses durations the way the Go watchdog reads them: a bare non-negative integer means seconds,
/// otherwise Go's time.ParseDuration syntax ("300ms", "1m30s", "1.5h"), and formats them back in
/// Go's String() style so start-up log lines read the same ("30s", "1m30s", "500ms", "0s").
/// </summary>
public static class GoDuration
{
    /// <summary>
    /// The longest wait .NET timers accept (Timer, Task.Delay, CancellationTokenSource,
    /// Task.WaitAsync): 2^32-2 ms, about 49.7 days. Longer values make them throw, so every
    /// duration we wait for is clamped to this when it is parsed.
    /// </summary>
    public static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// <see cref="TryParse"/>, then clamped to <see cref="MaxTimer"/> so the value can be waited
    /// for; <paramref name="clamped"/> tells whether it had to be shortened.
    /// </summary>
    public static bool TryParseTimeout(string? text, out TimeSpan value, out bool clamped)
    {
        clamped = false;
        if (!TryParse(text, out value))
            return false;
        if (value > MaxTimer)
        {
            value = MaxTimer;
            clamped = true;
        }
        return true;
    }

    /// <summary>A read or write limit of zero means none, as in Go's http.Server.</summary>
    public static TimeSpan NoneIfZero(TimeSpan limit) => limit == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : limit;

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
            return false;

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds > (long)TimeSpan.MaxValue.TotalSeconds)
                return false;
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return TryParseGo(text.AsSpan(), out value);
    }

    private static bool TryParseGo(ReadOnlySpan<char> s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.SequenceEqual("0"))
            return true;
        if (s.IsEmpty)
            return false;

        double totalTicks = 0;
        while (!s.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
                numberLength++;
            if (numberLength == 0 || !double.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            s = s[numberLength..];

            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
                unitLength++;
            var ticksPerUnit = UnitTicks(s[..unitLength]);
            if (ticksPerUnit == 0)
                return false;
            s = s[unitLength..];
            totalTicks += number * ticksPerUnit;
        }

        if (negative || totalTicks > TimeSpan.MaxValue.Ticks)
            return false;
        value = TimeSpan.FromTicks((long)Math.Round(totalTicks));
        return true;
    }

    private static double UnitTicks(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 0.01,
        "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "s" => TimeSpan.TicksPerSecond,
        "m" => TimeSpan.TicksPerMinute,
        "h" => TimeSpan.TicksPerHour,
        _ => 0,
    };

    /// <summary>Go's Duration.String(): "1h2m3.5s", "500ms", "0s".</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
            return "0s";
        if (duration < TimeSpan.FromSeconds(1))
        {
            // Go picks the largest unit the value reaches and prints a fraction of it: 1.5ms, 250µs, 100ns.
            var nanoseconds = duration.Ticks * 100L;
            var (divisor, unit) = nanoseconds >= 1_000_000 ? (1_000_000d, "ms") : nanoseconds >= 1_000 ? (1_000d, "µs") : (1d, "ns");
            return (nanoseconds / divisor).ToString("0.#########", CultureInfo.InvariantCulture) + unit;
        }

        var builder = new System.Text.StringBuilder();
        var hours = (long)duration.TotalHours;
        if (hours > 0)
            builder.Append(CultureInfo.InvariantCulture, $"{hours}h");
        if (hours > 0 || duration.Minutes > 0)
            builder.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        var seconds = duration.Seconds + (duration.Ticks % TimeSpan.TicksPerSecond) / (double)TimeSpan.TicksPerSecond;
        builder.Append(seconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('s');
        return builder.ToString();
    }
}
