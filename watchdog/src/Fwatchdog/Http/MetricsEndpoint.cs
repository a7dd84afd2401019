using System.Text;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>GET /metrics on metrics_port: the Prometheus text format, whatever the Accept header asks for.</summary>
public sealed class MetricsEndpoint(IWatchdogMetrics metrics)
{
    public async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        if (context.Request.Path != "/metrics")
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        var text = new StringWriter(new StringBuilder(8 * 1024));
        metrics.WriteTo(text);
        var body = Encoding.UTF8.GetBytes(text.ToString());
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = PrometheusTextWriter.ContentType;
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
