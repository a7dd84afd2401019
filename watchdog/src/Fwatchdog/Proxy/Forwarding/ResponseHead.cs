namespace Fwatchdog.Proxy.Forwarding;

/// <summary>How the body after a response head is delimited (RFC 9112 §6.3), as the forwarder reads it.</summary>
internal enum BodyFraming : byte
{
    /// <summary>No body: a HEAD request's answer, 1xx, 204 and 304, whatever their headers say.</summary>
    None,
    /// <summary>Exactly <see cref="ResponseHead.ContentLength"/> bytes.</summary>
    Length,
    /// <summary>Chunked; any Content-Length beside it is dropped, and the connection is not reused.</summary>
    Chunked,
    /// <summary>Neither: the body ends when the server closes the connection.</summary>
    UntilClose,
}

/// <summary>
/// One parsed response head, reused by its connection for every exchange: the status, the reason,
/// the end-to-end headers in order (framing and hop-by-hop ones taken out and kept as fields), and
/// what the framing headers said.
/// </summary>
internal sealed class ResponseHead
{
    public const long NoLength = -1;

    private readonly List<KeyValuePair<string, string>> _headers = new(16);

    public int Status { get; set; }
    /// <summary>The reason phrase as sent; "" when the status line had none.</summary>
    public string Reason { get; set; } = "";
    /// <summary>An HTTP/1.0 answer: the connection closes after it unless it says keep-alive.</summary>
    public bool Http10 { get; set; }
    /// <summary>Content-Length, or <see cref="NoLength"/>.</summary>
    public long ContentLength { get; set; } = NoLength;
    public bool Chunked { get; set; }
    /// <summary><c>Connection: close</c>.</summary>
    public bool Close { get; set; }
    /// <summary><c>Connection: keep-alive</c> (what keeps an HTTP/1.0 connection open).</summary>
    public bool KeepAlive { get; set; }
    /// <summary>The Upgrade header: the protocol a 101 switches to.</summary>
    public string? Upgrade { get; set; }

    /// <summary>The end-to-end headers, in the order received.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public bool IsInterim => Status is >= 100 and < 200;

    /// <summary>The server will keep the connection open after this answer.</summary>
    public bool Persistent => !Close && (!Http10 || KeepAlive);

    public void Add(string name, string value) => _headers.Add(new(name, value));

    /// <summary>Takes out the headers a Connection header named (RFC 9110 §7.6.1): they were for this hop only.</summary>
    public void RemoveNamed(List<string> named) =>
        _headers.RemoveAll(header => named.Exists(name => string.Equals(name, header.Key, StringComparison.OrdinalIgnoreCase)));

    /// <summary>How this answer's body is delimited, given the request's method.</summary>
    public BodyFraming Framing(bool headRequest)
    {
        if (headRequest || IsInterim || Status is 204 or 304)
            return BodyFraming.None;
        if (Chunked)
            return BodyFraming.Chunked;
        return ContentLength >= 0 ? BodyFraming.Length : BodyFraming.UntilClose;
    }

    public void Reset()
    {
        _headers.Clear();
        Status = 0;
        Reason = "";
        Http10 = false;
        ContentLength = NoLength;
        Chunked = false;
        Close = false;
        KeepAlive = false;
        Upgrade = null;
    }
}
