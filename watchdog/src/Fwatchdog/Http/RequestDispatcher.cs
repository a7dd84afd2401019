using System.Diagnostics;
using Fwatchdog.Calls;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Serilog;

namespace Fwatchdog.Http;

/// <summary>
/// The whole HTTP surface as one Kestrel application — no routing middleware, no DI container.
/// Requests on metrics_port get /metrics; on port, /_/health and /_/ready are ours and every
/// other path is the function: its endpoint returns how the call ended, and the
/// <see cref="CallFinisher"/> ends it. Only function requests are counted in http_requests_total and
/// http_request_duration_seconds, as the Go watchdogs instrument only their function handler.
/// HttpContext objects are reused per connection, as ASP.NET's own hosting layer does, so a
/// keep-alive connection allocates one context, not one per request.
/// </summary>
internal sealed class RequestDispatcher(
    int metricsPort,
    IFunctionEndpoint function,
    CallFinisher finisher,
    HealthEndpoints health,
    MetricsEndpoint scrape,
    IWatchdogMetrics metrics,
    ILogger log) : IHttpApplication<HttpContext>
{
    public HttpContext CreateContext(IFeatureCollection contextFeatures)
    {
        if (contextFeatures is IHostContextContainer<HttpContext> container)
        {
            if (container.HostContext is DefaultHttpContext reused)
            {
                reused.Initialize(contextFeatures);
                return reused;
            }
            var created = new DefaultHttpContext(contextFeatures);
            container.HostContext = created;
            return created;
        }
        return new DefaultHttpContext(contextFeatures);
    }

    public async Task ProcessRequestAsync(HttpContext context)
    {
        // First, before anything awaits: the Connection header's text this thread just parsed belongs to this request.
        ConnectionHeaderText.Take(context);
        try
        {
            if (context.Connection.LocalPort == metricsPort)
            {
                await scrape.HandleAsync(context).ConfigureAwait(false);
                return;
            }
            var path = context.Request.Path;
            if (path.Equals("/_/health", StringComparison.Ordinal))
                await health.HealthAsync(context).ConfigureAwait(false);
            else if (path.Equals("/_/ready", StringComparison.Ordinal))
                await health.ReadyAsync(context).ConfigureAwait(false);
            else
            {
                // Awaited here rather than wrapped in a helper, so a function request costs no
                // extra async state machine (mode=http spends ~30 µs of CPU per request).
                var started = Stopwatch.GetTimestamp();
                metrics.RequestStarted();
                try
                {
                    var outcome = await function.HandleAsync(context, started).ConfigureAwait(false);
                    await finisher.FinishAsync(context, started, outcome).ConfigureAwait(false);
                }
                finally
                {
                    metrics.RequestCompleted(context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.Error(e, "Unexpected error serving {method} {path}", context.Request.Method, context.Request.Path.Value);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.Headers[PlainText.InternalHeader] = PlainText.Watchdog;
            }
            else
                context.Abort();
        }
    }

    public void DisposeContext(HttpContext context, Exception? exception)
    {
        if (context is DefaultHttpContext defaultContext)
            defaultContext.Uninitialize();
    }
}
