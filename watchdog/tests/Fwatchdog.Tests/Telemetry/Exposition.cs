using System.Globalization;
using Fwatchdog.Telemetry;

namespace Fwatchdog.Tests.Telemetry;

/// <summary>Reads single samples back out of a metrics exposition.</summary>
internal static class Exposition
{
    public static string Render(IWatchdogMetrics metrics)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        metrics.WriteTo(output);
        return output.ToString();
    }

    /// <summary>The value of the sample written exactly as <paramref name="series"/> (name plus label set).</summary>
    public static double Value(string exposition, string series)
    {
        var prefix = series + " ";
        var lines = exposition.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, $"expected one sample {series}, found {lines.Count} in:\n{exposition}");
        return double.Parse(lines[0][prefix.Length..], CultureInfo.InvariantCulture);
    }

    public static bool Has(string exposition, string series) =>
        exposition.Split('\n').Any(l => l.StartsWith(series + " ", StringComparison.Ordinal));
}
