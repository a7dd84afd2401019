using System.Diagnostics;
using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>SIGTERM: unhealthy at once, keep serving for healthcheck_interval, drain, exit 0.</summary>
public sealed class ShutdownTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Trait(EmulatedSubset.Trait, EmulatedSubset.Emulated)]
    [Fact]
    public async Task Sigterm_turns_health_503_lets_in_flight_work_finish_and_exits_0_after_the_interval()
    {
        using var gate = new FunctionGate();
        await using var watchdog = await StartAsync(gate.Fprocess(),
            ("healthcheck_interval", "2s"), ("write_timeout", "20s"));
        var inFlight = watchdog.Client.PostBodyAsync("");
        await gate.WaitStartedAsync(Limits.Quick);

        var sinceSignal = Stopwatch.StartNew();
        Assert.True(watchdog.SendSignal(Signals.SIGTERM));
        await watchdog.WaitForLineAsync("SIGTERM: no new connections in 2s", Limits.Quick);

        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using (var ready = await watchdog.Client.GetAsync("/_/ready", Limits.Quick))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        gate.Release();
        using (var response = await inFlight)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("released\n", await response.BodyAsync());
        }

        Assert.Equal(0, await watchdog.WaitForExitAsync(Limits.Exit));
        Assert.True(sinceSignal.Elapsed >= TimeSpan.FromSeconds(1.5),
            $"Exited {sinceSignal.Elapsed.TotalSeconds:0.00}s after SIGTERM, before the 2s healthcheck_interval");
    }

    [Fact]
    public async Task Requests_still_running_when_the_interval_ends_are_drained()
    {
        using var gate = new FunctionGate();
        await using var watchdog = await StartAsync(gate.Fprocess(),
            ("healthcheck_interval", "1s"), ("write_timeout", "20s"));
        var inFlight = watchdog.Client.PostBodyAsync("");
        await gate.WaitStartedAsync(Limits.Quick);

        Assert.True(watchdog.SendSignal(Signals.SIGTERM));
        await watchdog.WaitForLineAsync("No new connections allowed, draining: 1 requests", Limits.Quick);
        Assert.False(watchdog.HasExited);

        gate.Release();
        using (var response = await inFlight)
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await watchdog.WaitForExitAsync(Limits.Exit));
        Assert.True(watchdog.Output.Contains("Exiting. Active connections:"), watchdog.Output.Dump());
    }
}
