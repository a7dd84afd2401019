using Serilog.Events;
using Serilog.Parsing;

namespace Fwatchdog.Telemetry;

/// <summary>
/// Renders a message template with string values as they are — no quotes — so lines read
/// "Forking fprocess." and "Wrote 2 Bytes - Duration: 0.001234s" exactly as the Go watchdog's
/// (.NET's "F6" and "F4" round as Go's %f and %.4f), and a long formatted "HumanSize" as go-units does.
/// </summary>
internal static class MessageRenderer
{
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
        if (format != GoHumanSize.FormatName || value is not ScalarValue { Value: long bytes })
            return false;
        Span<char> text = stackalloc char[GoHumanSize.MaxLength];
        output.Write(text[..GoHumanSize.Format(bytes, text)]);
        return true;
    }

    public static string Render(LogEvent logEvent)
    {
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Render(logEvent, output);
        return output.ToString();
    }
}
