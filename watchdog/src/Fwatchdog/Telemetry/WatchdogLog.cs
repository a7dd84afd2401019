using Fwatchdog.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Formatting;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The watchdog's log: stdout, one line per event, text (Go's words) or JSON. Writing never waits on
/// stdout (<see cref="BatchedOutput"/>); what a blocked stdout made it drop is counted here.
/// </summary>
public sealed class WatchdogLog : IDisposable
{
    private readonly BatchedOutput _stdout;
    private readonly Logger _logger;

    private WatchdogLog(BatchedOutput stdout, Logger logger, CallLineWriter? callLines)
    {
        _stdout = stdout;
        _logger = logger;
        CallLines = callLines;
    }

    public ILogger Logger => _logger;

    /// <summary>The text format's direct path for mode=http's call line (<see cref="CallLineWriter"/>); null for JSON.</summary>
    public CallLineWriter? CallLines { get; }

    /// <summary>Lines dropped since start because stdout did not take them (log_lines_dropped_total).</summary>
    public long DroppedLines => _stdout.DroppedLines;

    public static WatchdogLog Create(LogFormat format)
    {
        ITextFormatter formatter = format == LogFormat.Json ? new JsonLogFormatter() : new TextLogFormatter();
        var stdout = new BatchedOutput(Console.OpenStandardOutput(), Console.Error);
        // A crash must not take the last lines (often the ones explaining it) with it.
        AppDomain.CurrentDomain.UnhandledException += (_, _) => stdout.Flush();
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.Sink(new StdoutLogSink(formatter, stdout))
            .CreateLogger();
        stdout.LinesDropped = count => logger.Warning(
            "{count} log lines dropped while stdout was blocked: whatever reads the container's stdout (the log driver or collector) stopped taking them. The watchdog kept serving; check the log pipeline.",
            count);
        return new WatchdogLog(stdout, logger, format == LogFormat.Json ? null : new CallLineWriter(stdout));
    }

    /// <summary>Writes what is still buffered (for at most <see cref="BatchedOutput.DrainLimit"/>) and stops the writer.</summary>
    public void Dispose() => _logger.Dispose();
}
