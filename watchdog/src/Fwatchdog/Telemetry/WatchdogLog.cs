using Fwatchdog.Configuration;
using Serilog;
using Serilog.Formatting;

namespace Fwatchdog.Telemetry;

/// <summary>Builds the Serilog logger: stdout, one line per event, text (Go's words) or JSON.</summary>
public static class WatchdogLog
{
    public static ILogger Create(LogFormat format)
    {
        ITextFormatter formatter = format == LogFormat.Json ? new JsonLogFormatter() : new TextLogFormatter();
        return new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.Sink(new StdoutLogSink(formatter, Console.OpenStandardOutput()))
            .CreateLogger();
    }
}
