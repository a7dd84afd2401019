using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace Fwatchdog.Telemetry;

/// <summary>
/// log_format=json: one object per line with stable fields — time, level, message, then the
/// request fields (call_id, method, path, status, duration, bytes) when the event has them, then
/// any other properties. Written with Utf8JsonWriter: no reflection, AOT-safe.
/// </summary>
public sealed class JsonLogFormatter : ITextFormatter
{
    private static readonly string[] RequestFields =
        [LogFields.CallId, LogFields.Method, LogFields.Path, LogFields.Status, LogFields.Duration, LogFields.Bytes];

    // Written by the formatter itself (or a marker only the text format reads): never twice.
    private static readonly string[] ReservedFields = ["time", "level", "message", "exception", LogFields.Verbatim];

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("time", logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", Level(logEvent.Level));
            json.WriteString("message", MessageRenderer.Render(logEvent));
            foreach (var field in RequestFields)
            {
                if (logEvent.Properties.TryGetValue(field, out var value))
                    WriteProperty(json, field, value);
            }
            foreach (var (name, value) in logEvent.Properties)
            {
                if (Array.IndexOf(RequestFields, name) < 0 && Array.IndexOf(ReservedFields, name) < 0)
                    WriteProperty(json, name, value);
            }
            if (logEvent.Exception is not null)
                json.WriteString("exception", logEvent.Exception.ToString());
            json.WriteEndObject();
        }
        output.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Write('\n');
    }

    private static string Level(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "info",
        LogEventLevel.Warning => "warn",
        _ => "error",
    };

    private static void WriteProperty(Utf8JsonWriter json, string name, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: null }:
                json.WriteNull(name);
                break;
            case ScalarValue { Value: string text }:
                json.WriteString(name, text);
                break;
            case ScalarValue { Value: bool flag }:
                json.WriteBoolean(name, flag);
                break;
            case ScalarValue { Value: int or long or short or byte or uint or ulong or ushort } integer:
                json.WriteNumber(name, Convert.ToInt64(integer.Value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ScalarValue { Value: double or float or decimal } real:
                json.WriteNumber(name, Convert.ToDouble(real.Value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(name, value.ToString());
                break;
        }
    }
}
