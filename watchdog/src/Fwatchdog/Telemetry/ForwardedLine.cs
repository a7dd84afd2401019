namespace Fwatchdog.Telemetry;

/// <summary>
/// What mode=http's one line per call says, in the of-watchdog's terms.
/// </summary>
/// <param name="RequestUri">The request target as the client sent it, query included (Go's r.RequestURI).</param>
/// <param name="Status">The status the client got.</param>
/// <param name="StatusText">Code and reason phrase as the function's server sent them (Go's res.Status), e.g. "200 OK".</param>
/// <param name="ContentLength">The answer's length as Go's client reads it (res.ContentLength): -1 when unknown, as for a chunked answer.</param>
/// <param name="BytesSent">Body bytes relayed to the client.</param>
/// <param name="ReverseProxyForm">
/// The request is one the of-watchdog hands to Go's ReverseProxy (server-sent events, NDJSON,
/// WebSocket), whose line gives the status code and the bytes written: "GET /x - 200 - Bytes: 1.2kB (…)".
/// </param>
public readonly record struct ForwardedLine(string RequestUri, int Status, string StatusText, long ContentLength, long BytesSent, bool ReverseProxyForm);
