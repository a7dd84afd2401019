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
        var stdout = new BatchedOutput(Console.OpenStandardOutput(), Console.Error);
        // A crash must not take the last lines (often the ones explaining it) with it.
        AppDomain.CurrentDomain.UnhandledException += (_, _) => stdout.Flush();
        return new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.Sink(new StdoutLogSink(formatter, stdout))
            .CreateLogger();
    }
}
