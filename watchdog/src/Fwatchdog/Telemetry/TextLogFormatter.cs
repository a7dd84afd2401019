using Serilog.Events;
using Serilog.Formatting;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The Go watchdog's log line: "2006/01/02 15:04:05 message". A request's call id follows the
/// message as " call_id=…", so lines grep the same as before and still correlate.
/// </summary>
public sealed class TextLogFormatter : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        if (logEvent.Properties.ContainsKey(LogFields.Verbatim))
        {
            MessageRenderer.Render(logEvent, output);
            output.Write('\n');
            return;
        }
        output.Write(logEvent.Timestamp.ToString("yyyy/MM/dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        output.Write(' ');
        MessageRenderer.Render(logEvent, output);
        if (logEvent.Properties.TryGetValue(LogFields.CallId, out var callId) && callId is ScalarValue { Value: string id })
        {
            output.Write(" call_id=");
            output.Write(id);
        }
        output.Write('\n');
        if (logEvent.Exception is not null)
        {
            output.Write(logEvent.Exception.ToString());
            output.Write('\n');
        }
    }
}
