using System.Net;
using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>mode=http around the upstream's life: not ready until it listens, its exit, SIGTERM's order, ready_path.</summary>
public sealed class HttpModeLifecycleTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Fact]
    public async Task Until_the_upstream_listens_health_is_503_no_lock_file_exists_and_requests_are_held()
    {
        using var upstream = new UpstreamServer();
        var listen = upstream.File("listen");
        var options = upstream.Options(("UPSTREAM_LISTEN_WHEN", listen));
        await using var watchdog = await StartAsync(new WatchdogOptions { Environment = options.Environment, WaitForReady = false });
        await watchdog.WaitForLineAsync("stdout: upstream: waiting for", Limits.Quick);
        Assert.True(await Eventually.TrueWithinAsync(async () =>
        {
            try { using var r = await watchdog.Client.GetAsync("/_/health", Limits.Quick); return true; }
            catch (HttpRequestException) { return false; } // not listening yet
        }, Limits.Quick));

        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using (var ready = await watchdog.Client.GetAsync("/_/ready", Limits.Quick))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.False(File.Exists(watchdog.LockFilePath));
        var early = watchdog.Client.PostBodyAsync("early", "/echo");
        Assert.False(early.IsCompleted);

        File.WriteAllText(listen, "");
        using (var response = await early)
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await watchdog.WaitForReadyAsync(Limits.Quick);
        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(File.Exists(watchdog.LockFilePath));
    }

    [Fact]
    public async Task When_the_upstream_exits_health_turns_503_and_the_watchdog_exits_non_zero()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("healthcheck_interval", "30s")));

        using (var bye = await watchdog.Client.GetAsync("/exit?code=3", Limits.Quick))
            Assert.Equal(HttpStatusCode.OK, bye.StatusCode);

        await watchdog.WaitForLineAsync("The function's server exited: exit status 3", Limits.Quick);
        Assert.NotEqual(0, await watchdog.WaitForExitAsync(Limits.Exit));
        Assert.False(File.Exists(watchdog.LockFilePath));
    }

    [Fact]
    public async Task Sigterm_drains_in_flight_requests_before_the_upstream_is_signalled_then_exits_0()
    {
        using var upstream = new UpstreamServer();
        var sigterm = upstream.File("sigterm");
        var gate = upstream.File("more");
        await using var watchdog = await StartAsync(upstream.Options(
            ("UPSTREAM_SIGTERM_FILE", sigterm), ("healthcheck_interval", "1s"), ("write_timeout", "20s")));
        using var inFlight = await watchdog.Client.GetAsync($"/stream?chunks=2&gate={gate}", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await inFlight.Content.ReadAsStreamAsync());
        Assert.Equal("chunk 0", await reader.ReadLineAsync().WaitAsync(Limits.Quick));

        Assert.True(watchdog.SendSignal(Signals.SIGTERM));
        await watchdog.WaitForLineAsync("SIGTERM: no new connections in 1s", Limits.Quick);
        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        await watchdog.WaitForLineAsync("No new connections allowed, draining: 1 requests", Limits.Quick);
        Assert.False(File.Exists(sigterm), "The upstream was signalled while a request was still in flight");

        File.WriteAllText(gate, "");
        Assert.Equal("chunk 1\n", await reader.ReadToEndAsync().WaitAsync(Limits.Quick));
        Assert.Equal(0, await watchdog.WaitForExitAsync(Limits.Exit));
        Assert.True(File.Exists(sigterm), "The upstream never got SIGTERM");
        var lines = watchdog.Output.StdoutLines.ToList();
        Assert.True(lines.FindIndex(l => l.Contains("Exiting. Active connections")) < lines.FindIndex(l => l.Contains("upstream: SIGTERM")),
            watchdog.Output.Dump());
    }

    [Fact]
    public async Task An_upstream_that_ignores_sigterm_is_killed_after_kill_grace_and_the_exit_code_says_so()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(
            ("UPSTREAM_IGNORE_SIGTERM", "1"), ("healthcheck_interval", "0s"), ("kill_grace", "500ms")));

        Assert.True(watchdog.SendSignal(Signals.SIGTERM));

        Assert.Equal(1, await watchdog.WaitForExitAsync(Limits.Exit));
        Assert.True(watchdog.Output.Contains("did not stop within kill_grace (500ms) and was killed"), watchdog.Output.Dump());
    }

    [Fact]
    public async Task Ready_path_makes_ready_follow_the_upstream_and_aliases_are_honoured()
    {
        using var upstream = new UpstreamServer();
        var readyFile = upstream.File("ready");
        var options = upstream.Options(("ready_path", $"/ready?file={readyFile}"));
        options.Environment["function_process"] = options.Environment["fprocess"];
        options.Environment["http_upstream_url"] = options.Environment["upstream_url"];
        options.Environment.Remove("fprocess");
        options.Environment.Remove("upstream_url");
        await using var watchdog = await StartAsync(options);

        using (var notReady = await watchdog.Client.GetAsync("/_/ready", Limits.Quick))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        File.WriteAllText(readyFile, "");
        using (var ready = await watchdog.Client.GetAsync("/_/ready", Limits.Quick))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
