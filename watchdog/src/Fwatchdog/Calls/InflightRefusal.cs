using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Calls;

/// <summary>The answer when max_inflight is reached, the same in every mode: 429 at once, counted as rejected.</summary>
internal static class InflightRefusal
{
    public static Refusal Refusal(this InflightLimiter limiter) =>
        new(RefusalKind.Capacity, StatusCodes.Status429TooManyRequests, $"Concurrent request limit exceeded. Max concurrent requests: {limiter.Maximum}\n",
            null, PlainText.Middleware);
}
