using System.Text;

namespace Fwatchdog.Operations.Tests.Support;

/// <summary>Request helpers so tests read as "POST this with these headers".</summary>
internal static class Calls
{
    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, string body,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        using var cts = new CancellationTokenSource(Limits.Quick);
        return await client.SendAsync(request, cts.Token);
    }

    public static async Task<string> GetTextAsync(this HttpClient client, string path)
    {
        using var cts = new CancellationTokenSource(Limits.Quick);
        using var response = await client.GetAsync(path, cts.Token);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cts.Token);
    }

    public static Task<string> BodyAsync(this HttpResponseMessage response) => response.Content.ReadAsStringAsync();

    /// <summary>The single value of a response header, or null.</summary>
    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
