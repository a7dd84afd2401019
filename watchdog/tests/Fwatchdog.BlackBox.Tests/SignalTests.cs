using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Every signal an operator or a terminal may send: the stopping ones drain like SIGTERM and leave
/// no function running; the rest (which end a process by default) are ignored, as Go ignores them.
/// </summary>
public sealed class SignalTests(ITestOutputHelper output) : WatchdogTest(output)
{
    /// <summary>sh that records itself and a background sleep, then waits: a function that never ends by itself.</summary>
    private static string EndlessTree(PidFile pids) =>
        $"sh -c 'echo $$ >> {pids.Path}; sleep 3001 & echo $! >> {pids.Path}; wait'";

    [Theory]
    [InlineData(Signals.SIGINT, "SIGINT")]
    [InlineData(Signals.SIGHUP, "SIGHUP")]
    [InlineData(Signals.SIGQUIT, "SIGQUIT")]
    public async Task Stopping_signals_drain_like_sigterm_exit_0_and_leave_no_function_running(int signal, string name)
    {
        using var pids = new PidFile();
        await using var watchdog = await StartAsync(EndlessTree(pids), ("healthcheck_interval", "1s"), ("write_timeout", "1s"));
        var inFlight = watchdog.Client.PostBodyAsync("");
        var tree = await pids.WaitForAsync(2, Limits.Quick);

        Assert.True(watchdog.SendSignal(signal));
        await watchdog.WaitForLineAsync($"{name}: no new connections in 1s", Limits.Quick);
        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);

        Assert.Equal(0, await watchdog.WaitForExitAsync(Limits.Exit));
        var gone = await Eventually.TrueWithinAsync(() => PidFile.Survivors(tree).Count == 0, TimeSpan.FromSeconds(2));
        Assert.True(gone, $"After the watchdog exited, still running: [{string.Join(", ", PidFile.Survivors(tree))}]");
        await Assert.ThrowsAnyAsync<Exception>(() => inFlight);
    }

    [Theory]
    [InlineData(Signals.SIGUSR1, "SIGUSR1")]
    [InlineData(Signals.SIGUSR2, "SIGUSR2")]
    [InlineData(Signals.SIGALRM, "SIGALRM")]
    public async Task Signals_that_would_kill_by_default_are_ignored_and_functions_keep_running(int signal, string name)
    {
        using var gate = new FunctionGate();
        await using var watchdog = await StartAsync(gate.Fprocess());
        var inFlight = watchdog.Client.PostBodyAsync("");
        await gate.WaitStartedAsync(Limits.Quick);

        Assert.True(watchdog.SendSignal(signal));
        await watchdog.WaitForLineAsync($"{name} ignored", Limits.Quick);

        gate.Release();
        using (var response = await inFlight)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("released\n", await response.BodyAsync());
        }
        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(watchdog.HasExited);
    }

    [Fact]
    public async Task Sigpipe_is_ignored()
    {
        await using var watchdog = await StartAsync("cat");
        Assert.True(watchdog.SendSignal(Signals.SIGPIPE));
        // SIGPIPE sent first: by the time SIGUSR1's line is logged, a fatal SIGPIPE would have struck.
        Assert.True(watchdog.SendSignal(Signals.SIGUSR1));
        await watchdog.WaitForLineAsync("SIGUSR1 ignored", Limits.Quick);

        using var response = await watchdog.Client.PostBodyAsync("still here");
        Assert.Equal("still here", await response.BodyAsync());
        Assert.False(watchdog.HasExited);
    }
}
