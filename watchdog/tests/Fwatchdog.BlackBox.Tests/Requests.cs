using System.Net.Http.Headers;
using System.Text;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>Small request builders so tests read as "POST this, expect that".</summary>
internal static class Requests
{
    public static HttpRequestMessage Make(HttpMethod method, string path = "/", string? body = null,
        string? contentType = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        if (body != null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType != null)
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static async Task<HttpResponseMessage> PostBodyAsync(this HttpClient client, string body, string path = "/",
        params (string Name, string Value)[] headers)
    {
        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = Make(HttpMethod.Post, path, body, null, headers);
        return await client.SendAsync(request, cts.Token);
    }

    public static async Task<HttpResponseMessage> GetAsync(this HttpClient client, string path, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await client.GetAsync(path, cts.Token);
    }

    public static async Task<string> BodyAsync(this HttpResponseMessage response) =>
        await response.Content.ReadAsStringAsync();
}
