using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>content_type, marshal_request and combine_output.</summary>
public sealed class ContentTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private static async Task<HttpResponseMessage> PostTypedAsync(WatchdogProcess watchdog, string body, string contentType)
    {
        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = Requests.Make(HttpMethod.Post, "/", body, contentType);
        return await watchdog.Client.SendAsync(request, cts.Token);
    }

    [Fact]
    public async Task Response_content_type_echoes_the_request_by_default()
    {
        await using var watchdog = await StartAsync("cat");

        using var response = await PostTypedAsync(watchdog, "a,b", "text/csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Configured_content_type_is_forced()
    {
        await using var watchdog = await StartAsync("cat", ("content_type", "application/json"));

        using var response = await PostTypedAsync(watchdog, "{}", "text/plain");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Marshal_request_wraps_headers_and_base64_body_in_json()
    {
        await using var watchdog = await StartAsync("cat", ("marshal_request", "true"));

        using var response = await PostTypedAsync(watchdog, "raw body \u00e9", "text/plain");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.BodyAsync());
        var contentType = json.RootElement.GetProperty("header").GetProperty("Content-Type");
        Assert.Equal("text/plain", Assert.Single(contentType.EnumerateArray()).GetString());
        var raw = json.RootElement.GetProperty("body").GetProperty("raw").GetString()!;
        Assert.Equal("raw body \u00e9", Encoding.UTF8.GetString(Convert.FromBase64String(raw)));
    }

    [Fact]
    public async Task Combined_output_puts_stderr_in_the_body()
    {
        await using var watchdog = await StartAsync("sh -c 'echo to-stdout; echo to-stderr >&2'");

        using var response = await watchdog.Client.PostBodyAsync("");
        var body = await response.BodyAsync();

        Assert.Contains("to-stdout", body);
        Assert.Contains("to-stderr", body);
    }

    [Fact]
    public async Task Separate_output_logs_stderr_and_keeps_it_out_of_the_body()
    {
        await using var watchdog = await StartAsync("sh -c 'echo to-stdout; echo to-stderr >&2'", ("combine_output", "false"));

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal("to-stdout\n", await response.BodyAsync());
        await watchdog.WaitForLineAsync("stderr: to-stderr", Limits.Quick);
    }
}
