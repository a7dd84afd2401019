using Fwatchdog.Telemetry;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Fwatchdog.Tests.Telemetry;

/// <summary>Log events with a fixed timestamp, built the way Serilog would from a template and properties.</summary>
internal static class LogEvents
{
    public static readonly DateTimeOffset Noon = new(2024, 3, 5, 12, 7, 9, 45, TimeSpan.Zero);

    public static LogEvent Create(string template, params (string Name, object? Value)[] properties) =>
        Create(LogEventLevel.Information, Noon, null, template, properties);

    public static LogEvent Create(LogEventLevel level, DateTimeOffset time, Exception? exception, string template, params (string Name, object? Value)[] properties) =>
        new(time, level, exception, new MessageTemplateParser().Parse(template),
            properties.Select(p => new LogEventProperty(p.Name, new ScalarValue(p.Value))));

    public static LogEvent WithCallId(string template, string callId, params (string Name, object? Value)[] properties) =>
        Create(template, properties.Append((LogFields.CallId, callId)).ToArray());

    public static string Format(ITextFormatter formatter, params LogEvent[] events)
    {
        var output = new StringWriter();
        foreach (var logEvent in events)
            formatter.Format(logEvent, output);
        return output.ToString();
    }
}
