using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Proxy;

/// <summary>
/// ready_path: /_/ready asks the function's server too — a GET to ready_path, whose status becomes
/// ours. A server that cannot be reached, or does not answer within the limit, is not ready (503).
/// </summary>
internal sealed class ReadyPathCheck(HttpMessageInvoker upstream, Uri url) : IReadinessCheck
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public async Task RespondAsync(HttpContext context) => context.Response.StatusCode = await StatusAsync(context).ConfigureAwait(false);

    private async Task<int> StatusAsync(HttpContext context)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        limit.CancelAfter(Limit);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        try
        {
            using var response = await upstream.SendAsync(request, limit.Token).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return StatusCodes.Status503ServiceUnavailable;
        }
    }
}
