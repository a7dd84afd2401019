using System.Diagnostics;
using System.Net;
using Fwatchdog.Operations.Tests.Support;
using Fwatchdog.Testing;
using Xunit;

namespace Fwatchdog.Operations.Tests;

/// <summary>
/// The shutdown timeline docker/deploy/README.md draws, step by step, because the grace periods
/// in the manifests are computed from it.
/// </summary>
public sealed class ShutdownTimelineTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Sigterm_unhealthy_and_unlocked_at_once_serving_for_the_interval_then_refusing_draining_and_exit_0()
    {
        using var gate = new FunctionGate();
        // /hold waits at the gate (the request in flight across the whole shutdown); anything else answers at once.
        using var function = new FunctionScript($"""
            if [ "$Http_Path" = "/hold" ]; then {gate.WaitScript}; fi
            echo served
            """);
        await using var watchdog = await WatchdogProcess.StartAsync(function.Path,
            ("healthcheck_interval", $"{Interval.TotalSeconds}s"), ("write_timeout", $"{WriteTimeout.TotalSeconds}s"));
        Assert.True(File.Exists(watchdog.LockFilePath), "No lock file while running.");
        var held = watchdog.Client.PostAsync("/hold", "");
        await WaitAtGateAsync(gate, held, watchdog);

        var sinceSignal = Stopwatch.StartNew();
        Assert.True(watchdog.SendSignal(Signals.SIGTERM));
        await watchdog.WaitForLineAsync($"SIGTERM: no new connections in {Interval.TotalSeconds}s", Limits.Quick);

        // At once: the orchestrator is told to stop routing here.
        using (var health = await watchdog.Client.GetAsync("/_/health"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using (var ready = await watchdog.Client.GetAsync("/_/ready"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        await watchdog.WaitForLineAsync("Removing lock-file", Limits.Quick);
        Assert.False(File.Exists(watchdog.LockFilePath), "The lock file outlived SIGTERM, so --run-healthcheck still passes.");

        // During the interval: stragglers routed here before the orchestrator noticed are still served.
        using (var straggler = await NewConnectionClient(watchdog.Port).PostAsync("/", ""))
        {
            Assert.Equal(HttpStatusCode.OK, straggler.StatusCode);
            Assert.Equal("served\n", await straggler.BodyAsync());
        }
        Assert.True(sinceSignal.Elapsed < Interval, $"The straggler was served {sinceSignal.Elapsed.TotalSeconds:0.0}s after SIGTERM, too late to count as inside the interval.");

        // After the interval: new connections are refused while the held request drains.
        await watchdog.WaitForLineAsync("No new connections allowed, draining: 1 requests", Interval + Limits.Quick);
        Assert.True(sinceSignal.Elapsed >= Interval - TimeSpan.FromMilliseconds(100),
            $"Stopped accepting {sinceSignal.Elapsed.TotalSeconds:0.00}s after SIGTERM, before healthcheck_interval {Interval.TotalSeconds}s.");
        await Assert.ThrowsAsync<HttpRequestException>(() => NewConnectionClient(watchdog.Port).PostAsync("/", ""));
        Assert.False(watchdog.HasExited, "Exited with a request still in flight.");

        gate.Release();
        using (var response = await held)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("served\n", await response.BodyAsync());
        }
        Assert.Equal(0, await watchdog.WaitForExitAsync(Limits.Exit));
        Assert.True(sinceSignal.Elapsed < Interval + WriteTimeout,
            $"Took {sinceSignal.Elapsed.TotalSeconds:0.0}s after SIGTERM; the manifests budget healthcheck_interval + write_timeout.");
    }

    /// <summary>Waits for the held call to reach the gate; if it ended instead, says how, with the watchdog's output.</summary>
    private static async Task WaitAtGateAsync(FunctionGate gate, Task<HttpResponseMessage> held, WatchdogProcess watchdog)
    {
        try
        {
            await gate.WaitStartedAsync(Limits.Quick);
        }
        catch (TimeoutException)
        {
            var how = held.IsCompleted ? (held.IsFaulted ? held.Exception!.GetBaseException().Message : $"status {(int)held.Result.StatusCode}") : "still pending";
            Assert.Fail($"The held call never reached the function (call {how}, watchdog exited: {watchdog.HasExited}).\n{watchdog.Output.Dump()}");
        }
    }

    /// <summary>A client with no pooled connections, so each call tests whether the listener still accepts.</summary>
    private static HttpClient NewConnectionClient(int port) =>
        new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = Limits.Quick,
        };
}
