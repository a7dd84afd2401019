using System.Globalization;

namespace Fwatchdog.Telemetry;

/// <summary>
/// go-units' <c>HumanSize</c> (v0.5.0, the version the of-watchdog vendors), which the of-watchdog's
/// call line prints sizes with: divide by 1000 while the size is 1000 or more (decimal units, B to
/// YB), then <c>%.4g</c> and the unit with no space: <c>57B</c>, <c>1.008kB</c>, <c>20.97MB</c>,
/// and <c>-1B</c> for a length Go does not know. .NET's "G4" rounds the double exactly as Go's
/// <c>%.4g</c> does, ties to even included (10125 bytes is 10.12kB in both), for every value the
/// loop leaves, all below 1000 (the tests hold it to Go's own outputs).
/// </summary>
public static class GoHumanSize
{
    /// <summary>The message-template format that prints a long this way: <c>{content_length:HumanSize}</c>.</summary>
    public const string FormatName = "HumanSize";

    /// <summary>Long enough for any size's digits and a unit.</summary>
    public const int MaxLength = 24;

    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

    /// <param name="destination">At least <see cref="MaxLength"/> characters.</param>
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
        size.TryFormat(destination, out var written, "G4", CultureInfo.InvariantCulture);
        Units[unit].AsSpan().CopyTo(destination[written..]);
        return written + Units[unit].Length;
    }

    public static string ToString(long bytes)
    {
        Span<char> text = stackalloc char[MaxLength];
        return new string(text[..Format(bytes, text)]);
    }
}
