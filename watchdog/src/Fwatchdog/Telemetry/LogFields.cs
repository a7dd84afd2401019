namespace Fwatchdog.Telemetry;

/// <summary>Stable property names on log events; the JSON format writes them as fields.</summary>
public static class LogFields
{
    public const string CallId = "call_id";
    public const string Method = "method";
    public const string Path = "path";
    public const string Status = "status";
    public const string Duration = "duration";
    public const string Bytes = "bytes";

    /// <summary>Marks a line the text format writes as it is, without time or call id (prefix_logs=false).</summary>
    public const string Verbatim = "verbatim";
}
