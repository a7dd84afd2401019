using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Fwatchdog.Tests.Telemetry;

/// <summary>A real Serilog pipeline writing through a formatter into memory, as the console sink would.</summary>
internal sealed class FormattingSink(ITextFormatter formatter) : ILogEventSink
{
    private readonly StringWriter _output = new();

    public string Text => _output.ToString();

    public void Emit(LogEvent logEvent) => formatter.Format(logEvent, _output);

    public Logger CreateLogger() => new LoggerConfiguration().MinimumLevel.Information().WriteTo.Sink(this).CreateLogger();
}
