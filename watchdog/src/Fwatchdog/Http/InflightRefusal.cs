using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>The answer when max_inflight is reached, the same in every mode: 429 at once, counted as rejected.</summary>
internal static class InflightRefusal
{
    public static Task RefuseAsync(this InflightLimiter limiter, HttpContext context, IWatchdogMetrics metrics)
    {
        metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);
        return PlainText.WriteAsync(context, StatusCodes.Status429TooManyRequests,
            $"Concurrent request limit exceeded. Max concurrent requests: {limiter.Maximum}\n", PlainText.Middleware);
    }
}
