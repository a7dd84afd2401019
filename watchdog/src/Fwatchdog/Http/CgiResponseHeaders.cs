using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// The header block a function starts its output with under cgi_response=true (RFC 3875 §6):
/// <c>Status: 201 Created</c>, <c>Content-Type: …</c>, <c>Location: …</c> and other header lines,
/// then an empty line; lines end in LF or CRLF. What the watchdog frames itself (Content-Length,
/// Transfer-Encoding, the connection headers) and its own X-Call-Id and X-Duration-Seconds are left
/// out, as RFC 3875 §6.3.4 lets the server resolve such conflicts. The reason phrase after the
/// status code is not sent: Kestrel writes the standard one.
/// </summary>
internal sealed class CgiResponseHeaders
{
    private static readonly HashSet<string> OwnedByWatchdog = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "Trailer", "TE",
        "Proxy-Connection", CallId.Header, "X-Duration-Seconds",
    };

    public CgiResponseHeaders(int? status, string? contentType, string? location, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        // RFC 3875 §6.2.3: a Location without a Status is a redirect.
        Status = status ?? (location is null ? StatusCodes.Status200OK : StatusCodes.Status302Found);
        ContentType = contentType;
        Location = location;
        Fields = fields;
    }

    public int Status { get; }
    public string? ContentType { get; }
    public string? Location { get; }

    /// <summary>The other header lines, in order; a name given twice is sent twice (Set-Cookie).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    /// <summary>HTTP forbids a body with 204 and 304.</summary>
    public bool AllowsBody => Status is not (StatusCodes.Status204NoContent or StatusCodes.Status304NotModified);

    public static bool IsOwnedByWatchdog(string name) => OwnedByWatchdog.Contains(name);

    public void ApplyTo(HttpResponse response)
    {
        response.StatusCode = Status;
        if (ContentType is not null)
            response.ContentType = ContentType;
        if (Location is not null)
            response.Headers.Location = Location;
        foreach (var (name, value) in Fields)
            response.Headers.Append(name, value);
    }
}
