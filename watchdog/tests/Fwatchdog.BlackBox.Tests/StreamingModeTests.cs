using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// mode=streaming: status and headers when the process starts, output while the function is still
/// running, and a failure after that reported in the X-Function-Status trailer (TE: trailers) or
/// by a body left incomplete.
/// </summary>
public sealed class StreamingModeTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Trait(EmulatedSubset.Trait, EmulatedSubset.Emulated)]
    [Fact]
    public async Task First_bytes_arrive_before_the_function_exits()
    {
        using var gate = new FunctionGate();
        // Prints, then blocks at the gate: "second" can only be written after the test has read "first".
        await using var watchdog = await StartAsync(
            $"sh -c 'echo first; {gate.WaitScript}; echo second'", ("mode", "streaming"));

        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("") };
        using var response = await watchdog.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);

        var received = new StringBuilder();
        var buffer = new byte[256];
        while (!received.ToString().Contains("first\n", StringComparison.Ordinal))
        {
            var n = await body.ReadAsync(buffer, cts.Token);
            Assert.True(n > 0, $"Body ended after \"{received}\" without the first line");
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        Assert.False(File.Exists(gate.ReleaseFile)); // the function is provably still running

        gate.Release();
        using var rest = new StreamReader(body);
        received.Append(await rest.ReadToEndAsync(cts.Token));
        Assert.Equal("first\nsecond\n", received.ToString());
    }

    private static HttpRequestMessage Call(bool acceptTrailers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("") };
        if (acceptTrailers)
            request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        return request;
    }

    private static string? StatusTrailer(HttpResponseMessage response) =>
        response.TrailingHeaders.TryGetValues("X-Function-Status", out var values) ? values.Single() : null;

    [Fact]
    public async Task Status_and_headers_arrive_when_the_process_starts_before_any_output()
    {
        using var gate = new FunctionGate();
        await using var watchdog = await StartAsync(gate.Fprocess("echo done"), ("mode", "streaming"));

        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = Call(acceptTrailers: false);
        using var response = await watchdog.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(File.Exists(gate.ReleaseFile)); // the function cannot have written anything yet
        await gate.WaitStartedAsync(Limits.Quick);
        gate.Release();
        Assert.Equal("done\n", await response.Content.ReadAsStringAsync(cts.Token));
    }

    [Theory]
    [InlineData("sh -c 'echo partial; exit 3'", "partial\n", "exit status 3")]
    [InlineData("sh -c 'echo complete'", "complete\n", "exit status 0")]
    public async Task The_trailer_reports_how_the_function_ended_when_the_client_asks(string fprocess, string body, string status)
    {
        await using var watchdog = await StartAsync(fprocess, ("mode", "streaming"));

        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = Call(acceptTrailers: true);
        using var response = await watchdog.Client.SendAsync(request, cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync(cts.Token));
        Assert.Equal(status, StatusTrailer(response));
    }

    [Fact]
    public async Task A_timeout_before_any_output_still_gives_a_status_line_and_a_trailer()
    {
        await using var watchdog = await StartAsync("sleep 30", ("mode", "streaming"), ("exec_timeout", "500ms"));

        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = Call(acceptTrailers: true);
        using var response = await watchdog.Client.SendAsync(request, cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync(cts.Token));
        Assert.Equal("Killed process.", StatusTrailer(response));
    }

    [Theory]
    [InlineData("sh -c 'echo partial; exit 3'")]
    [InlineData("sleep 30")]
    public async Task Without_trailers_a_failure_leaves_the_body_visibly_incomplete(string fprocess)
    {
        await using var watchdog = await StartAsync(fprocess, ("mode", "streaming"), ("exec_timeout", "500ms"));

        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = Call(acceptTrailers: false);
        using var response = await watchdog.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        using var reader = new StreamReader(body);
        var incomplete = await Assert.ThrowsAsync<HttpIOException>(() => reader.ReadToEndAsync(cts.Token));
        Assert.Equal(HttpRequestError.ResponseEnded, incomplete.HttpRequestError); // a clean end of the connection, not a reset
        using var after = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
