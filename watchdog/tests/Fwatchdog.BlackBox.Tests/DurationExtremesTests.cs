using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Durations at either end: beyond what .NET timers accept (about 49.7 days) they are clamped with a
/// warning instead of crashing the watchdog or failing requests; a zero read or write timeout means
/// none, as in Go.
/// </summary>
public sealed class DurationExtremesTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const string Clamped = "using 1193h2m47.294s";

    [Theory]
    [InlineData("exec_timeout", "2000h")]
    [InlineData("read_timeout", "2000h")]
    [InlineData("write_timeout", "1195h")]
    public async Task A_huge_timeout_serves_normally_and_is_clamped_with_a_warning(string variable, string value)
    {
        await using var watchdog = await StartAsync("cat", (variable, value));

        using var response = await watchdog.Client.PostBodyAsync("with a body");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("with a body", await response.BodyAsync());
        await watchdog.WaitForLineAsync($"{variable}=\"{value}\" is longer than the watchdog can wait; {Clamped}", Limits.Quick);
    }

    [Fact]
    public async Task A_huge_X_Timeout_never_causes_a_500()
    {
        await using var watchdog = await StartAsync("cat");

        using var response = await watchdog.Client.PostBodyAsync("hi", headers: ("X-Timeout", "2000h"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hi", await response.BodyAsync());
    }

    [Fact]
    public async Task A_huge_kill_grace_with_a_firing_exec_timeout_does_not_crash_the_watchdog()
    {
        await using var watchdog = await StartAsync("sleep 30", ("exec_timeout", "500ms"), ("kill_grace", "2000h"));

        using (var timedOut = await watchdog.Client.PostBodyAsync(""))
            Assert.Equal(HttpStatusCode.RequestTimeout, timedOut.StatusCode);

        Assert.False(watchdog.HasExited, watchdog.Output.Dump());
        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_huge_healthcheck_interval_still_turns_unhealthy_and_keeps_serving_after_SIGTERM()
    {
        await using var watchdog = await StartAsync("cat", ("healthcheck_interval", "2000h"));

        Assert.True(watchdog.SendSignal(Signals.SIGTERM));
        await watchdog.WaitForLineAsync("SIGTERM: no new connections in 1193h2m47.294s", Limits.Quick);

        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using (var call = await watchdog.Client.PostBodyAsync("still serving"))
            Assert.Equal("still serving", await call.BodyAsync());
        Assert.False(watchdog.HasExited, watchdog.Output.Dump());
        Assert.False(watchdog.Output.Contains("Error in shutdown"), watchdog.Output.Dump());
    }

    [Fact]
    public async Task Zero_read_and_write_timeouts_mean_no_limit()
    {
        await using var watchdog = await StartAsync("cat", ("read_timeout", "0"), ("write_timeout", "0"));

        using var response = await watchdog.Client.PostBodyAsync("with a body");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("with a body", await response.BodyAsync());
    }
}
