using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>The answer when max_inflight is reached, the same in every mode: 429 at once, counted as rejected.</summary>
internal static class InflightRefusal
{
    public static Refusal Refusal(this InflightLimiter limiter) =>
        new(StatusCodes.Status429TooManyRequests, $"Concurrent request limit exceeded. Max concurrent requests: {limiter.Maximum}\n", null, PlainText.Middleware);

    /// <summary>For the modes without a <see cref="CallFinisher"/>: counts and answers the refusal.</summary>
    public static Task RefuseAsync(this InflightLimiter limiter, HttpContext context, IWatchdogMetrics metrics)
    {
        metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);
        var refusal = limiter.Refusal();
        return PlainText.WriteAsync(context, refusal.Status, refusal.Text, refusal.InternalSource);
    }
}
