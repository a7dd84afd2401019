namespace Fwatchdog.Proxy;

/// <summary>
/// What the call line needs from the upstream's answer, as Go's client reads it: its status, its
/// reason phrase ("" when its status line had none) and its length (<see cref="GoResponseLength"/>).
/// Default (status 0) until the upstream answered.
/// </summary>
internal readonly record struct UpstreamAnswer(int Status, string? Reason, long ContentLength)
{
    public static UpstreamAnswer From(string method, Forwarding.ResponseHead upstream) =>
        new(upstream.Status, upstream.Reason, GoResponseLength.Of(method, upstream.Status, upstream.Chunked,
            upstream.ContentLength == Forwarding.ResponseHead.NoLength ? null : upstream.ContentLength));
}
