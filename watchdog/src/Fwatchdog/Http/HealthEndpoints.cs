using Fwatchdog.Lifecycle;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// /_/health (liveness, as the Go watchdog) and /_/ready (also 429 while max_inflight is reached,
/// then the mode's own check, if it has one). Neither forks.
/// </summary>
public sealed class HealthEndpoints(HealthState health, InflightLimiter limiter, IReadinessCheck? readinessCheck = null)
{
    private static readonly byte[] Ok = "OK"u8.ToArray();

    public Task HealthAsync(HttpContext context) => RespondAsync(context, checkCapacity: false);

    public Task ReadyAsync(HttpContext context) => RespondAsync(context, checkCapacity: true);

    private Task RespondAsync(HttpContext context, bool checkCapacity)
    {
        var response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }
        if (!health.IsHealthy)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }
        if (checkCapacity && limiter.IsSaturated)
        {
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Task.CompletedTask;
        }
        if (checkCapacity && readinessCheck is not null)
            return readinessCheck.RespondAsync(context);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = Ok.Length;
        return response.Body.WriteAsync(Ok, 0, Ok.Length);
    }
}
