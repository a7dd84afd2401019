using Serilog.Events;
using Serilog.Formatting;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The Go watchdog's log line: "2006/01/02 15:04:05 message". A request's call id follows the
/// message as " call_id=…", so lines grep the same as before and still correlate — unless the
/// message shows it already (log_callid's "… (0.0011s) [id]").
/// </summary>
public sealed class TextLogFormatter : ITextFormatter
{
    private readonly LogTimestamp _time = new();

    public void Format(LogEvent logEvent, TextWriter output)
    {
        if (logEvent.Properties.ContainsKey(LogFields.Verbatim))
        {
            MessageRenderer.Render(logEvent, output);
            output.Write('\n');
            return;
        }
        output.Write(_time.Text(logEvent.Timestamp.DateTime));
        output.Write(' ');
        MessageRenderer.Render(logEvent, output);
        if (logEvent.Properties.TryGetValue(LogFields.CallId, out var callId) && callId is ScalarValue { Value: string id } && !InText(logEvent))
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

    /// <summary>log_callid's mode=http line already shows the id in the of-watchdog's " [id]" form.</summary>
    private static bool InText(LogEvent logEvent)
    {
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is Serilog.Parsing.PropertyToken { PropertyName: LogFields.CallId })
                return true;
        }
        return false;
    }
}
