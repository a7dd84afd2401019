namespace Fwatchdog.Telemetry;

/// <summary>
/// go-units' <c>HumanSize</c> (v0.5.0, the version the of-watchdog vendors), which the of-watchdog's
/// call line prints sizes with: divide by 1000 while the size is 1000 or more (decimal units, B to
/// YB), then four significant digits with no space: <c>57B</c>, <c>1.008kB</c>, <c>20.97MB</c>,
/// and <c>-1B</c> for a length Go does not know.
/// </summary>
public static class GoHumanSize
{
    /// <summary>The message-template format that prints a long this way: <c>{content_length:HumanSize}</c>.</summary>
    public const string FormatName = "HumanSize";

    /// <summary>Long enough for any long's text and a unit.</summary>
    public const int MaxLength = 24;

    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

    public static int Format(long bytes, Span<char> destination)
    {
        // The same double divisions as Go, so the same rounding errors before the digits are chosen.
        double size = bytes;
        var unit = 0;
        while (size >= 1000.0 && unit < Units.Length - 1)
        {
            size /= 1000.0;
            unit++;
        }
        int written;
        if (unit == 0)
            // Whole bytes below 1000: Go's %.4g prints them as they are. (A length below -9999, which
            // would print in Go's exponent form, is never a Content-Length.)
            bytes.TryFormat(destination, out written, default, System.Globalization.CultureInfo.InvariantCulture);
        else
            GoNumberFormat.TryFormatFourSignificant(size, destination, out written);
        Units[unit].AsSpan().CopyTo(destination[written..]);
        return written + Units[unit].Length;
    }

    public static string ToString(long bytes)
    {
        Span<char> text = stackalloc char[MaxLength];
        return new string(text[..Format(bytes, text)]);
    }
}
