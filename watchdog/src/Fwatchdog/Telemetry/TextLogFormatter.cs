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
    // The last second formatted: thousands of lines a second share it, and custom date formatting
    // was the largest single cost of a mode=http log line. Swapped whole, so threads never see a torn pair.
    private SecondStamp _last = new(DateTime.MinValue.Ticks, "");

    public void Format(LogEvent logEvent, TextWriter output)
    {
        if (logEvent.Properties.ContainsKey(LogFields.Verbatim))
        {
            MessageRenderer.Render(logEvent, output);
            output.Write('\n');
            return;
        }
        output.Write(Stamp(logEvent.Timestamp));
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

    private string Stamp(DateTimeOffset timestamp)
    {
        var second = timestamp.DateTime.Ticks / TimeSpan.TicksPerSecond;
        var last = Volatile.Read(ref _last);
        if (last.Second == second)
            return last.Text;
        var text = timestamp.ToString("yyyy/MM/dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Volatile.Write(ref _last, new SecondStamp(second, text));
        return text;
    }

    private sealed record SecondStamp(long Second, string Text);
}
