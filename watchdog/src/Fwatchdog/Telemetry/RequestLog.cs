using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The log lines of one function request, in the words operators grep for ("Forking fprocess.",
/// "Wrote 5 Bytes - Duration: 0.001234s"). Every line carries call_id, method and path as
/// properties, so the JSON format correlates them with the gateway's call.
/// </summary>
public sealed class RequestLog
{
    private readonly ILogger _log;

    public RequestLog(ILogger log, string callId, string method, string path)
    {
        _log = log.ForContext(new RequestProperties(callId, method, path));
    }

    public void Forking() => _log.Information("Forking fprocess.");

    public void Wrote(long bytes, double seconds, int status) =>
        _log.ForContext(LogFields.Status, status)
            .Information("Wrote {" + LogFields.Bytes + "} Bytes - Duration: {" + LogFields.Duration + ":F6}s", bytes, seconds);

    public void Failed(string exitStatus, long bytes, double seconds, int status) =>
        _log.ForContext(LogFields.Status, status)
            .Warning("Function failed: {error} - Wrote {" + LogFields.Bytes + "} Bytes - Duration: {" + LogFields.Duration + ":F6}s", exitStatus, bytes, seconds);

    public void TimedOut(string process, string timeout, double seconds) =>
        _log.ForContext(LogFields.Status, 408)
            .Warning("Killing process: {process} - exec timeout of {timeout} reached - Duration: {" + LogFields.Duration + ":F6}s", process, timeout, seconds);

    /// <summary>A function's stderr line; unprefixed lines are written as they are (prefix_logs=false).</summary>
    public void StandardError(string line, bool prefixed)
    {
        if (prefixed)
            _log.Information("stderr: {line}", line);
        else
            _log.ForContext(LogFields.Verbatim, true).Information("{line}", line);
    }

    public void Output(string description) => _log.Information("{output}", description);

    public void Header(string direction, string name, string values) =>
        _log.Information("[{direction}] {name}={values}", direction, name, values);

    public void Warning(string messageTemplate, params object?[] values) => _log.Warning(messageTemplate, values);

    public void Error(string messageTemplate, params object?[] values) => _log.Error(messageTemplate, values);

    private sealed class RequestProperties(string callId, string method, string path) : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            logEvent.AddPropertyIfAbsent(new LogEventProperty(LogFields.CallId, new ScalarValue(callId)));
            logEvent.AddPropertyIfAbsent(new LogEventProperty(LogFields.Method, new ScalarValue(method)));
            logEvent.AddPropertyIfAbsent(new LogEventProperty(LogFields.Path, new ScalarValue(path)));
        }
    }
}
