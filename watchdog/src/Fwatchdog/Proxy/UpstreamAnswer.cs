namespace Fwatchdog.Proxy;

/// <summary>
/// What the call line needs from the upstream's answer, as Go's client reads it: its status, its
/// reason phrase ("" when its status line had none) and its length (<see cref="GoResponseLength"/>).
/// Default (status 0) until the upstream answered.
/// </summary>
public readonly record struct UpstreamAnswer(int Status, string? Reason, long ContentLength)
{
    public static UpstreamAnswer From(string method, HttpResponseMessage upstream)
    {
        var status = (int)upstream.StatusCode;
        // Both headers were parsed already, by the handler choosing how to read the body.
        return new UpstreamAnswer(status, upstream.ReasonPhrase ?? "",
            GoResponseLength.Of(method, status, upstream.Headers.TransferEncodingChunked == true, upstream.Content.Headers.ContentLength));
    }
}
