using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// The answer's Content-Type when neither content_type nor the request names one: classic mode
/// sniffs it from the output as Go's server does for the classic watchdog; the of-watchdog's fork
/// modes always send content_type (application/octet-stream unless set), so nothing is sniffed there.
/// </summary>
public sealed class ContentSniffingTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const string Html = "<html><body>hello</body></html>";

    private static string ContentTypeOf(HttpResponseMessage response) =>
        response.Content.Headers.TryGetValues("Content-Type", out var values) ? string.Join(", ", values) : "(none)";

    private static async Task<HttpResponseMessage> PostAsync(WatchdogProcess watchdog, string body, string? contentType = null)
    {
        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = Requests.Make(HttpMethod.Post, "/", body, contentType);
        return await watchdog.Client.SendAsync(request, cts.Token);
    }

    private static void AssertContentType(string expected, HttpResponseMessage response, string why) =>
        Assert.True(expected == ContentTypeOf(response),
            $"Content-Type was \"{ContentTypeOf(response)}\", Go's watchdog answers \"{expected}\": {why}");

    [Theory]
    [InlineData("printf '" + Html + "'", "text/html; charset=utf-8")]
    [InlineData("sh -c 'printf \"\\n  <!DOCTYPE html><html></html>\"'", "text/html; charset=utf-8")]
    [InlineData("echo 'Hello from python3'", "text/plain; charset=utf-8")]
    [InlineData("printf '{\"ok\":true}'", "text/plain; charset=utf-8")]
    [InlineData("printf '\\211PNG\\r\\n\\032\\n\\000\\000'", "image/png")]
    [InlineData("head -c 64 /dev/zero", "application/octet-stream")]
    public async Task Classic_mode_sniffs_the_output_when_no_content_type_is_given(string fprocess, string expected)
    {
        await using var watchdog = await StartAsync(fprocess);

        using var response = await PostAsync(watchdog, "");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContentType(expected, response,
            "with no content_type and no request Content-Type, Go's ResponseWriter sniffs the first 512 bytes (Http/SniffedContentType.cs, Http/ContentSniffer.cs)");
    }

    [Fact]
    public async Task Classic_mode_sniffs_an_output_spilled_to_disk()
    {
        await using var watchdog = await StartAsync(
            "sh -c 'printf \"<html>\"; head -c 100000 /dev/zero | tr \"\\0\" x'", ("max_buffer_bytes", "1000"));

        using var response = await PostAsync(watchdog, "");

        Assert.Equal(100_006, (await response.Content.ReadAsByteArrayAsync()).Length);
        AssertContentType("text/html; charset=utf-8", response,
            "the sniffing window must be read from the spill file when the output is beyond max_buffer_bytes (SpillBuffer.CopyStartAsync)");
    }

    [Fact]
    public async Task Classic_mode_sniffs_the_body_after_a_cgi_header_block_that_names_no_content_type()
    {
        await using var watchdog = await StartAsync("printf 'Status: 201\\n\\n" + Html + "'", ("cgi_response", "true"));

        using var response = await PostAsync(watchdog, "");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        AssertContentType("text/html; charset=utf-8", response, "the body after the header block is what Go's server would have sniffed");
    }

    [Fact]
    public async Task The_request_content_type_still_wins_over_sniffing()
    {
        await using var watchdog = await StartAsync("printf '" + Html + "'");

        using var response = await PostAsync(watchdog, "a,b", "text/csv");

        AssertContentType("text/csv", response, "the classic watchdog echoes the request's Content-Type when content_type is unset");
    }

    [Fact]
    public async Task Content_type_still_wins_over_sniffing()
    {
        await using var watchdog = await StartAsync("printf '" + Html + "'", ("content_type", "application/json"));

        using var response = await PostAsync(watchdog, "");

        AssertContentType("application/json", response, "a configured content_type is always sent");
    }

    [Fact]
    public async Task An_empty_output_gets_no_content_type()
    {
        await using var watchdog = await StartAsync("true");

        using var response = await PostAsync(watchdog, "");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContentType("(none)", response, "Go's server sniffs only a body there is");
    }

    [Theory]
    [InlineData("serializing")]
    [InlineData("streaming")]
    public async Task The_of_watchdog_fork_modes_send_their_default_content_type_and_sniff_nothing(string mode)
    {
        await using var watchdog = await StartAsync("printf '" + Html + "'", ("mode", mode));

        using var response = await PostAsync(watchdog, "");

        Assert.Equal(Html, await response.BodyAsync());
        AssertContentType("application/octet-stream", response,
            "the of-watchdog sets content_type (default application/octet-stream) before the function runs, so Go never sniffs in its fork modes");
    }
}
