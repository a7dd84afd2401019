using System.Globalization;
using System.Text.RegularExpressions;

namespace Fwatchdog.Operations.Tests.Deploy;

/// <summary>
/// Reads the watchdog's duration settings as the contract defines them: a bare integer is seconds,
/// otherwise Go duration syntax ("30s", "1m30s", "500ms"). Only what manifests use; an unknown
/// form throws rather than being guessed.
/// </summary>
internal static partial class GoDurations
{
    public static TimeSpan Parse(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(seconds);
        if (!WholeDuration().IsMatch(text))
            throw new FormatException($"Not a duration: \"{text}\".");

        var total = TimeSpan.Zero;
        foreach (Match part in DurationPart().Matches(text))
        {
            var number = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                _ => TimeSpan.FromMilliseconds(number),
            };
        }
        return total;
    }

    [GeneratedRegex(@"^(\d+(\.\d+)?(h|ms|m|s))+$")]
    private static partial Regex WholeDuration();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(h|ms|m|s)")]
    private static partial Regex DurationPart();
}
