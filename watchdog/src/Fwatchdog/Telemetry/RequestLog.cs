using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The log lines of one function request, in the words operators grep for ("Forking fprocess.",
/// "Wrote 5 Bytes - Duration: 0.001234s"). Every line carries call_id, method and path as
/// properties, so the JSON format correlates them with the gateway's call. The lines every request
/// writes are built directly from pre-parsed templates: no contextual logger and no argument
/// binding per request. (Logging is 10-15% of the watchdog's own CPU per request; this saves
/// allocations, its CPU gain was within the noise of our measurements.)
/// </summary>
public sealed class RequestLog
{
    private static readonly MessageTemplate ForkingTemplate = Parse("Forking fprocess.");
    private static readonly MessageTemplate WroteTemplate = Parse($"Wrote {{{LogFields.Bytes}}} Bytes - Duration: {{{LogFields.Duration}:F6}}s");
    // The of-watchdog's two call lines: sizes in go-units' HumanSize (MessageRenderer), seconds as %.4f.
    private const string ForwardedText =
        $"{{{LogFields.Method}}} {{{LogFields.RequestUri}}} - {{{LogFields.StatusText}}} - ContentLength: {{{LogFields.ContentLength}:{GoHumanSize.FormatName}}} ({{{LogFields.Duration}:F4}}s)";
    private static readonly MessageTemplate ForwardedTemplate = Parse(ForwardedText);
    private static readonly MessageTemplate ForwardedWithCallIdTemplate = Parse(ForwardedText + $" [{{{LogFields.CallId}}}]");
    private static readonly MessageTemplate ReverseProxiedTemplate =
        Parse($"{{{LogFields.Method}}} {{{LogFields.RequestUri}}} - {{{LogFields.Status}}} - Bytes: {{{LogFields.Bytes}:{GoHumanSize.FormatName}}} ({{{LogFields.Duration}:F4}}s)");
    private static readonly MessageTemplate StandardErrorTemplate = Parse("stderr: {line}");
    private static readonly MessageTemplate VerbatimTemplate = Parse("{line}");
    private static readonly MessageTemplate DurationTemplate = Parse($"Duration: {{{LogFields.Duration}:F6}}s");

    private readonly ILogger _log;
    private readonly CallLineWriter? _callLines;
    private readonly string _callId;
    private readonly string _method;
    private readonly string _path;
    private LogEventProperty[]? _request;
    private ILogger? _contextual;

    public RequestLog(ILogger log, string callId, string method, string path)
        : this(log, null, callId, method, path)
    {
    }

    /// <param name="callLines">The text format's direct path for mode=http's call line; null writes it through Serilog.</param>
    public RequestLog(ILogger log, CallLineWriter? callLines, string callId, string method, string path)
    {
        _log = log;
        _callLines = callLines;
        _callId = callId;
        _method = method;
        _path = path;
    }

    public void Forking() => Write(LogEventLevel.Information, ForkingTemplate);

    public void Wrote(long bytes, double seconds, int status) =>
        Write(LogEventLevel.Information, WroteTemplate,
            Property(LogFields.Bytes, bytes), Property(LogFields.Duration, seconds), Property(LogFields.Status, status));

    /// <summary>
    /// write_debug's closing line for a successful call, the Go watchdog's "Duration: 0.001234s" in
    /// place of "Wrote N Bytes - …" (the output itself went to the log just before).
    /// </summary>
    public void Duration(long bytes, double seconds, int status) =>
        Write(LogEventLevel.Information, DurationTemplate,
            Property(LogFields.Bytes, bytes), Property(LogFields.Duration, seconds), Property(LogFields.Status, status));

    /// <summary>
    /// mode=http: one line per proxied call, in the of-watchdog's words:
    /// "GET /query?x=1 - 200 OK - ContentLength: 57B (0.0011s)", or for the requests it hands to Go's
    /// ReverseProxy (server-sent events, NDJSON, WebSocket) "GET /events - 200 - Bytes: 1.2kB (0.0011s)".
    /// </summary>
    /// <param name="withCallId">log_callid: the of-watchdog's " [&lt;call id&gt;]" at the end of the ContentLength line (its other line has none).</param>
    public void Forwarded(in ForwardedLine line, double seconds, bool withCallId = false)
    {
        if (_callLines is not null)
        {
            _callLines.Forwarded(_method, line, seconds, _callId, withCallId);
            return;
        }
        Write(LogEventLevel.Information,
            line.ReverseProxyForm ? ReverseProxiedTemplate : withCallId ? ForwardedWithCallIdTemplate : ForwardedTemplate,
            Property(LogFields.RequestUri, line.RequestUri), Property(LogFields.Status, line.Status),
            Property(LogFields.StatusText, line.StatusText), Property(LogFields.ContentLength, line.ContentLength),
            Property(LogFields.Bytes, line.BytesSent), Property(LogFields.Duration, seconds));
    }

    /// <summary>jwt_auth refused the call: the Go middleware's "GET /fn - 401 ACCESS DENIED - (0s)", then why.</summary>
    public void AccessDenied(int status, string duration, string reason) =>
        Contextual.ForContext(LogFields.Status, status)
            .Warning("{" + LogFields.Method + "} {" + LogFields.Path + "} - {" + LogFields.Status + "} ACCESS DENIED - ({duration}): {reason}", _method, _path, status, duration, reason);

    /// <summary>A function's stderr line; unprefixed lines are written as they are (prefix_logs=false).</summary>
    public void StandardError(string line, bool prefixed)
    {
        if (prefixed)
            Write(LogEventLevel.Information, StandardErrorTemplate, Property("line", line));
        else
            Verbatim(line);
    }

    /// <summary>A line of the function's own, written as it is: no time, no call id in the text format.</summary>
    public void Verbatim(string line) =>
        Write(LogEventLevel.Information, VerbatimTemplate, Property("line", line), Property(LogFields.Verbatim, true));

    public void Failed(string exitStatus, long bytes, double seconds, int status) =>
        Contextual.ForContext(LogFields.Status, status)
            .Warning("Function failed: {error} - Wrote {" + LogFields.Bytes + "} Bytes - Duration: {" + LogFields.Duration + ":F6}s", exitStatus, bytes, seconds);

    public void TimedOut(string process, string timeout, double seconds) =>
        Contextual.ForContext(LogFields.Status, 408)
            .Warning("Killing process: {process} - exec timeout of {timeout} reached - Duration: {" + LogFields.Duration + ":F6}s", process, timeout, seconds);

    /// <summary>write_debug with cgi_headers: the Go watchdog's "Query  a=b" and "Path  /x" lines.</summary>
    public void QueryAndPath(string query, string path)
    {
        Contextual.Information("Query  {query}", query);
        Contextual.Information("Path  {path}", path);
    }

    /// <summary>write_debug for a failed call, in the Go watchdog's words: "Success=false, Error=exit status 1".</summary>
    public void DebugFailure(string error) => Contextual.Information("Success=false, Error={error}", error);

    /// <summary>write_debug for a failed call: the first output line after the Go watchdog's "Out=".</summary>
    public void DebugOutput(string firstLine) => Contextual.Information("Out={line}", firstLine);

    public void Header(string direction, string name, string values) =>
        Contextual.Information("[{direction}] {name}={values}", direction, name, values);

    public void Warning(string messageTemplate, params object?[] values) => Contextual.Warning(messageTemplate, values);

    /// <summary>mode=http: an upgraded connection (WebSocket) ended, before the call's one line.</summary>
    public void UpgradeEnded(string protocol, string reason) => Contextual.Information("Upgraded connection ({protocol}) ended: {reason}", protocol, reason);

    public void Error(string messageTemplate, params object?[] values) => Contextual.Error(messageTemplate, values);

    /// <summary>For the rarer lines: Serilog's own binding, with the request's properties attached.</summary>
    private ILogger Contextual => _contextual ??= _log.ForContext(new RequestProperties(Request));

    /// <summary>call_id, method and path as properties, made when the call's first line through Serilog needs them.</summary>
    private LogEventProperty[] Request => _request ??=
    [
        new LogEventProperty(LogFields.CallId, new ScalarValue(_callId)),
        new LogEventProperty(LogFields.Method, new ScalarValue(_method)),
        new LogEventProperty(LogFields.Path, new ScalarValue(_path)),
    ];

    private void Write(LogEventLevel level, MessageTemplate template, params LogEventProperty[] properties)
    {
        if (!_log.IsEnabled(level))
            return;
        _log.Write(new LogEvent(DateTimeOffset.Now, level, null, template, [.. Request, .. properties]));
    }

    private static LogEventProperty Property(string name, object value) => new(name, new ScalarValue(value));

    private static MessageTemplate Parse(string template) => new MessageTemplateParser().Parse(template);

    private sealed class RequestProperties(LogEventProperty[] properties) : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            foreach (var property in properties)
                logEvent.AddPropertyIfAbsent(property);
        }
    }
}
