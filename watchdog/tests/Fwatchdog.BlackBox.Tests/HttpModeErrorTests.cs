using System.Net;
using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>mode=http when the call goes wrong: 504 on exec_timeout, 502 on a broken upstream, aborts both ways.</summary>
public sealed class HttpModeErrorTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Fact]
    public async Task Exec_timeout_answers_504_and_aborts_the_upstream_request()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("exec_timeout", "1s")));
        var aborted = upstream.File("aborted");

        using var response = await watchdog.Client.GetAsync($"/hang?mark={aborted}", Limits.Quick);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("exec_timeout", await response.BodyAsync());
        Assert.True(await Eventually.TrueWithinAsync(() => File.Exists(aborted), Limits.Quick), "The upstream never saw its request aborted");
    }

    [Fact]
    public async Task An_upstream_that_resets_the_connection_gives_502_with_one_line_naming_the_cause()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        using var response = await watchdog.Client.GetAsync("/reset", Limits.Quick);
        var body = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Single(body.TrimEnd('\n').Split('\n'));
        Assert.Contains("function's server", body);
    }

    [Fact]
    public async Task A_client_that_disconnects_aborts_the_upstream_request()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());
        var aborted = upstream.File("aborted");
        var started = upstream.File("started");

        // The client goes away only once the upstream holds the request, however slow the machine.
        using (var cts = new CancellationTokenSource())
        {
            var call = watchdog.Client.GetAsync($"/hang?mark={aborted}&started={started}", cts.Token);
            Assert.True(await Eventually.TrueWithinAsync(() => File.Exists(started), Limits.Quick), "The request never reached the upstream");
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        Assert.True(await Eventually.TrueWithinAsync(() => File.Exists(aborted), Limits.Quick), "The upstream request outlived its client");
        await watchdog.WaitForLineAsync("Client disconnected; the upstream request was aborted.", Limits.Quick);
    }

    [Fact]
    public async Task Over_max_inflight_is_429_and_the_metrics_count_proxied_calls_by_outcome()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("max_inflight", "1"), ("exec_timeout", "2s")));
        var aborted = upstream.File("aborted");

        var hanging = watchdog.Client.GetAsync($"/hang?mark={aborted}", Limits.Quick);
        await watchdog.WaitForLineAsync("accepted a connection", Limits.Quick);
        Assert.True(await Eventually.TrueWithinAsync(async () =>
        {
            using var ready = await watchdog.Client.GetAsync("/_/ready", Limits.Quick);
            return ready.StatusCode == HttpStatusCode.TooManyRequests;
        }, Limits.Quick));
        using (var refused = await watchdog.Client.PostBodyAsync("x", "/echo"))
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        using (var timedOut = await hanging)
            Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.StatusCode);
        using (var ok = await watchdog.Client.PostBodyAsync("12345", "/echo"))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var metrics = await watchdog.MetricsClient.GetStringAsync("/metrics");
        Assert.Contains("function_executions_total{outcome=\"success\"} 1", metrics);
        Assert.Contains("function_executions_total{outcome=\"timeout\"} 1", metrics);
        Assert.Contains("function_executions_total{outcome=\"rejected\"} 1", metrics);
        Assert.Contains("function_bytes_in_total 5", metrics);
        Assert.Contains("http_requests_total{code=\"504\",method=\"get\"} 1", metrics);
    }
}
