using System.Globalization;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The Prometheus text exposition format, version 0.0.4: HELP and TYPE lines, samples with
/// escaped label values, Go-style float formatting (+Inf, -Inf, NaN).
/// </summary>
public sealed class PrometheusTextWriter(TextWriter output)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public void Family(string name, string type, string help)
    {
        output.Write("# HELP ");
        output.Write(name);
        output.Write(' ');
        output.Write(EscapeHelp(help));
        output.Write("\n# TYPE ");
        output.Write(name);
        output.Write(' ');
        output.Write(type);
        output.Write('\n');
    }

    /// <param name="labels">Already rendered <c>name="value"</c> pairs joined by commas, or empty.</param>
    public void Sample(string name, string labels, double value) => WriteSample(name, labels, null, null, FormatValue(value));

    public void Sample(string name, string labels, long value) => WriteSample(name, labels, null, null, value.ToString(CultureInfo.InvariantCulture));

    public void Sample(string name, string labels, string extraLabel, string extraValue, long value) =>
        WriteSample(name, labels, extraLabel, extraValue, value.ToString(CultureInfo.InvariantCulture));

    private void WriteSample(string name, string labels, string? extraLabel, string? extraValue, string value)
    {
        output.Write(name);
        if (labels.Length > 0 || extraLabel is not null)
        {
            output.Write('{');
            output.Write(labels);
            if (extraLabel is not null)
            {
                if (labels.Length > 0)
                    output.Write(',');
                output.Write(Label(extraLabel, extraValue!));
            }
            output.Write('}');
        }
        output.Write(' ');
        output.Write(value);
        output.Write('\n');
    }

    public static string Label(string name, string value) => $"{name}=\"{EscapeLabelValue(value)}\"";

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\").Replace("\n", "\\n");
}
