using System.Collections.Concurrent;
using System.Globalization;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The watchdog's metrics, with the Go watchdog's names and labels for the HTTP series
/// (promhttp's instrumentation: code and lower-case method) plus function-level series.
/// Hot-path updates are interlocked increments on pre-created series; only a first-seen
/// (code, method) pair allocates.
/// </summary>
/// <param name="droppedLogLines">Reads log_lines_dropped_total: lines the log dropped because stdout was blocked.</param>
public sealed class PrometheusMetrics(Func<long>? droppedLogLines = null) : IWatchdogMetrics
{
    private static readonly string[] KnownMethods = ["get", "post", "put", "patch", "delete", "head", "options", "connect", "trace"];
    private static readonly ExecutionOutcome[] Outcomes = Enum.GetValues<ExecutionOutcome>();

    private readonly ConcurrentDictionary<(int Code, string Method), HttpSeries> _http = new();
    private readonly long[] _executions = new long[Outcomes.Length];
    private readonly long[] _exitCodes = new long[257]; // 0-255, and 256 for "signal"
    private readonly Histogram _executionDuration = new(Histogram.DefaultBuckets);
    private readonly ProcessMetrics _process = new();
    private long _inFlight;
    private long _bytesIn;
    private long _bytesOut;

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    public void RequestCompleted(string method, int statusCode, double seconds)
    {
        Interlocked.Decrement(ref _inFlight);
        var series = _http.GetOrAdd((statusCode, MethodLabel(method)), static key => new HttpSeries(key.Code, key.Method));
        Interlocked.Increment(ref series.Requests);
        series.Duration.Observe(seconds);
    }

    public void FunctionCompleted(ExecutionOutcome outcome, int? exitCode, double seconds, long bytesIn, long bytesOut)
    {
        Interlocked.Increment(ref _executions[(int)outcome]);
        if (exitCode is { } code)
            Interlocked.Increment(ref _exitCodes[code is >= 0 and <= 255 ? code : 256]);
        if (outcome != ExecutionOutcome.Rejected)
            _executionDuration.Observe(seconds);
        Interlocked.Add(ref _bytesIn, bytesIn);
        Interlocked.Add(ref _bytesOut, bytesOut);
    }

    /// <summary>promhttp lower-cases the method; unknown methods share one label value so the series count stays bounded.</summary>
    public static string MethodLabel(string method)
    {
        foreach (var known in KnownMethods)
        {
            if (string.Equals(method, known, StringComparison.OrdinalIgnoreCase))
                return known;
        }
        return "unknown";
    }

    public void WriteTo(TextWriter output)
    {
        var writer = new PrometheusTextWriter(output);
        var http = _http.Values.OrderBy(s => s.Code).ThenBy(s => s.Method, StringComparer.Ordinal).ToArray();

        writer.Family("http_request_duration_seconds", "histogram", "Seconds spent serving HTTP requests.");
        foreach (var series in http)
            series.Duration.Write(writer, "http_request_duration_seconds", series.Labels);

        writer.Family("http_requests_in_flight", "gauge", "The number of requests currently being served.");
        writer.Sample("http_requests_in_flight", "", Interlocked.Read(ref _inFlight));

        writer.Family("http_requests_total", "counter", "The total number of HTTP requests.");
        foreach (var series in http)
            writer.Sample("http_requests_total", series.Labels, Interlocked.Read(ref series.Requests));

        writer.Family("function_executions_total", "counter", "Function invocations by how they ended.");
        foreach (var outcome in Outcomes)
        {
            var label = PrometheusTextWriter.Label("outcome", outcome.ToString().ToLowerInvariant());
            writer.Sample("function_executions_total", label, Interlocked.Read(ref _executions[(int)outcome]));
        }

        writer.Family("function_exit_codes_total", "counter", "Exit codes of function processes that exited by themselves; code=\"signal\" when killed by a signal.");
        for (var code = 0; code < _exitCodes.Length; code++)
        {
            var count = Interlocked.Read(ref _exitCodes[code]);
            if (count == 0 && code != 0)
                continue;
            var label = PrometheusTextWriter.Label("code", code == 256 ? "signal" : code.ToString(CultureInfo.InvariantCulture));
            writer.Sample("function_exit_codes_total", label, count);
        }

        writer.Family("function_execution_duration_seconds", "histogram", "Seconds from fork to the function's end.");
        _executionDuration.Write(writer, "function_execution_duration_seconds", "");

        writer.Family("function_bytes_in_total", "counter", "Bytes written to functions' standard input.");
        writer.Sample("function_bytes_in_total", "", Interlocked.Read(ref _bytesIn));
        writer.Family("function_bytes_out_total", "counter", "Bytes read from functions' standard output.");
        writer.Sample("function_bytes_out_total", "", Interlocked.Read(ref _bytesOut));

        writer.Family("log_lines_dropped_total", "counter", "Log lines dropped because stdout was blocked (nothing read the container's output).");
        writer.Sample("log_lines_dropped_total", "", droppedLogLines?.Invoke() ?? 0);

        _process.WriteTo(writer);
    }

    private sealed class HttpSeries(int code, string method)
    {
        public readonly int Code = code;
        public readonly string Method = method;
        public readonly string Labels =
            $"{PrometheusTextWriter.Label("code", code.ToString(CultureInfo.InvariantCulture))},{PrometheusTextWriter.Label("method", method)}";
        public readonly Histogram Duration = new(Histogram.DefaultBuckets);
        public long Requests;
    }
}
