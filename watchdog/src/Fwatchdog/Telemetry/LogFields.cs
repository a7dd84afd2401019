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
    /// <summary>mode=http: the request target as sent, query included.</summary>
    public const string RequestUri = "request_uri";
    /// <summary>mode=http: the upstream's status line after the protocol ("200 OK").</summary>
    public const string StatusText = "status_text";
    /// <summary>mode=http: the upstream answer's Content-Length as Go reads it; -1 when unknown.</summary>
    public const string ContentLength = "content_length";

    /// <summary>Marks a line the text format writes as it is, without time or call id (prefix_logs=false).</summary>
    public const string Verbatim = "verbatim";
}
