using System.Net;
using System.Text;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>max_inflight, max_request_bytes, the 1 MiB header limit and the listen backlog.</summary>
public sealed class LimitTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Fact]
    public async Task Max_inflight_refuses_with_429_and_ready_reports_429_until_a_slot_frees()
    {
        using var gate = new FunctionGate();
        await using var watchdog = await StartAsync(gate.Fprocess(), ("max_inflight", "1"));

        var first = watchdog.Client.PostBodyAsync("");
        await gate.WaitStartedAsync(Limits.Quick);

        using (var second = await watchdog.Client.PostBodyAsync(""))
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        using (var ready = await watchdog.Client.GetAsync("/_/ready", Limits.Quick))
            Assert.Equal(HttpStatusCode.TooManyRequests, ready.StatusCode);

        gate.Release();
        using (var completed = await first)
            Assert.Equal(HttpStatusCode.OK, completed.StatusCode);

        Assert.True(await Eventually.TrueWithinAsync(async () => await ReadyStatusAsync(watchdog) == HttpStatusCode.OK, Limits.Quick),
            "/_/ready did not return to 200 after the in-flight request finished");
        using var third = await watchdog.Client.PostBodyAsync("");
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task The_listen_backlog_is_the_kernels_somaxconn_up_to_4096_as_in_go()
    {
        await using var watchdog = await StartAsync("cat");

        // ss shows a listening socket's accept-queue limit as its Send-Q.
        var listing = await ProcessOutputAsync("ss", $"-ltnH sport = :{watchdog.Port}");
        var expected = Math.Min(4096, int.Parse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), System.Globalization.CultureInfo.InvariantCulture));
        var line = Assert.Single(listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);
    }

    private static async Task<string> ProcessOutputAsync(string file, string arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, arguments) { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Limits.Quick);
        Assert.Equal(0, process.ExitCode);
        return text;
    }

    private static async Task<HttpStatusCode> ReadyStatusAsync(WatchdogProcess watchdog)
    {
        using var response = await watchdog.Client.GetAsync("/_/ready", Limits.Quick);
        return response.StatusCode;
    }

    [Fact]
    public async Task Body_over_max_request_bytes_is_413_and_under_is_served()
    {
        await using var watchdog = await StartAsync("cat", ("max_request_bytes", "1024"));

        using (var tooBig = await watchdog.Client.PostBodyAsync(new string('x', 2048)))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);

        using var fits = await watchdog.Client.PostBodyAsync(new string('y', 512));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Equal(new string('y', 512), await fits.BodyAsync());
    }

    [Fact]
    public async Task Chunked_body_over_max_request_bytes_is_413()
    {
        await using var watchdog = await StartAsync("cat", ("max_request_bytes", "1024"));

        // A non-seekable stream has no Content-Length, so HttpClient sends it chunked.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StreamContent(new PatternStream(64 * 1024)) };
        using var cts = new CancellationTokenSource(Limits.Quick);
        using var response = await watchdog.Client.SendAsync(request, cts.Token);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(false, "false")]
    [InlineData(true, "false")]
    [InlineData(false, "true")]
    public async Task A_body_over_max_request_bytes_counts_as_rejected_however_it_arrives(bool chunked, string marshalRequest)
    {
        await using var watchdog = await StartAsync("cat", ("max_request_bytes", "1024"), ("marshal_request", marshalRequest));
        var body = new PatternStream(64 * 1024);
        // A non-seekable stream has no Content-Length, so HttpClient sends it chunked.
        HttpContent content = chunked ? new StreamContent(body) : new ByteArrayContent(new byte[64 * 1024]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        using var cts = new CancellationTokenSource(Limits.Quick);

        using var response = await watchdog.Client.SendAsync(request, cts.Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var metrics = await watchdog.MetricsClient.GetAsync("/metrics", Limits.Quick);
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("function_executions_total{outcome=\"rejected\"} 1\n", text);
        Assert.Contains("function_executions_total{outcome=\"killed\"} 0\n", text);
    }

    [Fact]
    public async Task Headers_over_1_MiB_are_431()
    {
        await using var watchdog = await StartAsync("cat");
        var request = RawHttp.Post("/", "", ("X-Huge", new string('h', 1024 * 1024 + 4096)));

        var status = await RawHttp.SendAndReadStatusAsync(watchdog.Port, request, Limits.Quick);

        Assert.Equal(431, status);
    }

    [Fact]
    public async Task Headers_well_under_1_MiB_reach_the_function()
    {
        // 48 KiB is above common server defaults (e.g. 32 KiB) but far below the 1 MiB limit.
        await using var watchdog = await StartAsync("sh -c 'printf %s \"$Http_X_Big\" | wc -c'");

        using var response = await watchdog.Client.PostBodyAsync("", "/", ("X-Big", new string('b', 48 * 1024)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((48 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), (await response.BodyAsync()).Trim());
    }
}
