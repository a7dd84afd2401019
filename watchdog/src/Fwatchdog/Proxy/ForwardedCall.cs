using System.Diagnostics;
using Fwatchdog.Http;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Proxy;

/// <summary>One forwarded call's bookkeeping, shared by the endpoint's steps and the finisher: its limits and what it moved.</summary>
internal sealed class ForwardedCall(HttpContext context, long started, RequestLog log)
{
    public HttpContext Context { get; } = context;
    public RequestLog Log { get; } = log;
    /// <summary>exec_timeout, or the request's shorter X-Timeout; zero when there is none.</summary>
    public TimeSpan Limit { get; set; }
    /// <summary>Cancelled when <see cref="Limit"/> passes.</summary>
    public CancellationTokenSource? Timeout { get; set; }
    /// <summary>The request body under its read_timeout, once opened.</summary>
    public ReadDeadlineStream? Body { get; set; }
    public long BytesIn { get; set; }
    public long BytesOut { get; set; }
    /// <summary>The upstream's answer, for the call line, kept as it arrives.</summary>
    public UpstreamAnswer Upstream { get; private set; }

    public void UpstreamAnswered(Forwarding.ResponseHead upstream) => Upstream = UpstreamAnswer.From(Context.Request.Method, upstream);
    public double Seconds => Stopwatch.GetElapsedTime(started).TotalSeconds;
}
