using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>cgi_response=true: a function sets its own status and headers with a CGI header block (RFC 3875 §6).</summary>
public sealed class CgiResponseTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const string Created = "sh -c 'printf \"Status: 201 Created\\r\\nContent-Type: application/json\\r\\nX-Custom: yes\\r\\n\\r\\n{\\\"id\\\":1}\"'";

    [Theory]
    [InlineData("classic")]
    [InlineData("streaming")]
    public async Task The_header_block_sets_status_and_headers_and_the_rest_is_the_body(string mode)
    {
        await using var watchdog = await StartAsync(Created, ("cgi_response", "true"), ("mode", mode));

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("yes", Assert.Single(response.Headers.GetValues("X-Custom")));
        Assert.Equal("{\"id\":1}", await response.BodyAsync());
        await watchdog.WaitForLineAsync("Wrote ", Limits.Quick);
        Assert.Contains(watchdog.Output.StdoutLines, line => line.Contains("Wrote ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Classic_answers_carry_the_body_length_and_the_duration_header()
    {
        await using var watchdog = await StartAsync("sh -c 'printf \"Status: 404\\n\\nnot found\\n\"'", ("cgi_response", "true"));

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(10, response.Content.Headers.ContentLength);
        Assert.True(response.Headers.Contains("X-Duration-Seconds"));
        Assert.Equal("not found\n", await response.BodyAsync());
    }

    [Fact]
    public async Task Off_by_default_a_header_block_is_just_output()
    {
        await using var watchdog = await StartAsync(Created);

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("Status: 201 Created\r\n", await response.BodyAsync());
    }

    private const string NotAHeader = "line 1 is not a \"Name: value\" header: \"hello world\"";
    private const string EndedInside = "the output ended before the empty line that ends the header block";
    private const string BodyAfter204 = "Status 204 allows no body, but the function wrote one after its headers";

    [Theory]
    [InlineData("classic", "sh -c 'echo hello world'", NotAHeader)]
    [InlineData("streaming", "sh -c 'echo hello world'", NotAHeader)]
    [InlineData("classic", "sh -c 'printf \"Content-Type: text/plain\\n\"'", EndedInside)]
    [InlineData("streaming", "sh -c 'printf \"Content-Type: text/plain\\n\"'", EndedInside)]
    [InlineData("classic", "sh -c 'printf \"Status: 204\\n\\nbody\"'", BodyAfter204)]
    public async Task An_invalid_response_is_a_502_with_one_line_naming_the_fault_and_a_log_line_with_the_fix(string mode, string fprocess, string fault)
    {
        await using var watchdog = await StartAsync(fprocess, ("cgi_response", "true"), ("mode", mode));

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal($"Invalid CGI response from the function: {fault}.\n", await response.BodyAsync());
        await watchdog.WaitForLineAsync($"The function's output is not a valid CGI response: {fault}. With cgi_response=true, " +
            "start the output with header lines and an empty line, or set cgi_response=false.", Limits.Quick);
    }

    [Fact]
    public async Task A_failed_function_answers_500_with_all_it_wrote_as_without_cgi_response()
    {
        await using var watchdog = await StartAsync("sh -c 'echo Traceback: most recent call last; echo boom; exit 1'", ("cgi_response", "true"));

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("exit status 1\nTraceback: most recent call last\nboom\n", await response.BodyAsync());
    }

    [Fact]
    public async Task Streaming_a_function_that_fails_before_ending_its_block_answers_500()
    {
        await using var watchdog = await StartAsync("sh -c 'exit 3'", ("cgi_response", "true"), ("mode", "streaming"));

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("exit status 3\n", await response.BodyAsync());
    }

    [Fact]
    public async Task Streaming_sends_the_headers_when_the_block_ends_while_the_function_still_runs()
    {
        using var gate = new FunctionGate();
        await using var watchdog = await StartAsync(
            $"sh -c 'printf \"Status: 202\\nX-Stage: headers\\n\\nfirst\\n\"; {gate.WaitScript}; echo second'",
            ("cgi_response", "true"), ("mode", "streaming"));

        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("") };
        using var response = await watchdog.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);

        // The headers are here while the function provably still waits at the gate.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("headers", Assert.Single(response.Headers.GetValues("X-Stage")));
        Assert.False(File.Exists(gate.ReleaseFile));

        gate.Release();
        Assert.Equal("first\nsecond\n", await response.Content.ReadAsStringAsync(cts.Token));
    }

    [Fact]
    public async Task A_header_block_split_across_many_writes_and_a_spilled_body_still_work()
    {
        // Headers trickle out one line per write; the body is larger than max_buffer_bytes, so it is read back from disk.
        await using var watchdog = await StartAsync(
            "sh -c 'echo Status: 200; echo Content-Type: text/plain; echo; head -c 100000 /dev/zero | tr \"\\0\" y'",
            ("cgi_response", "true"), ("max_buffer_bytes", "1000"));

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(new string('y', 100_000), await response.BodyAsync());
    }
}
