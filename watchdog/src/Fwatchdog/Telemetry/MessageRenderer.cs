using Serilog.Events;
using Serilog.Parsing;

namespace Fwatchdog.Telemetry;

/// <summary>
/// Renders a message template with string values as they are — no quotes — so lines read
/// "Forking fprocess." and "Wrote 2 Bytes - Duration: 0.001234s" exactly as the Go watchdog's;
/// numbers as Go's fmt prints them: a double with "F&lt;n&gt;" as %.nf (ties to even), a long with
/// "HumanSize" as go-units does.
/// </summary>
internal static class MessageRenderer
{
    private const int NumberLength = 64;

    public static void Render(LogEvent logEvent, TextWriter output)
    {
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            switch (token)
            {
                case TextToken text:
                    output.Write(text.Text);
                    break;
                case PropertyToken property when logEvent.Properties.TryGetValue(property.PropertyName, out var value):
                    if (value is ScalarValue { Value: string literal })
                        output.Write(literal);
                    else if (!TryRenderAsGo(value, property.Format, output))
                        value.Render(output, property.Format, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    output.Write(token.ToString());
                    break;
            }
        }
    }

    private static bool TryRenderAsGo(LogEventPropertyValue value, string? format, TextWriter output)
    {
        Span<char> text = stackalloc char[NumberLength];
        switch (value)
        {
            case ScalarValue { Value: long bytes } when format == GoHumanSize.FormatName:
                output.Write(text[..GoHumanSize.Format(bytes, text)]);
                return true;
            case ScalarValue { Value: double number } when format is ['F', >= '0' and <= '9']
                && GoNumberFormat.TryFormatFixed(number, format[1] - '0', text, out var written):
                output.Write(text[..written]);
                return true;
            default:
                return false;
        }
    }

    public static string Render(LogEvent logEvent)
    {
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Render(logEvent, output);
        return output.ToString();
    }
}
