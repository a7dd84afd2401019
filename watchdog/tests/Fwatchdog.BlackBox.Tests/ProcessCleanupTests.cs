using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// A timed-out or abandoned call must take its whole process tree with it, not just the direct
/// child: background grandchildren would otherwise leak forever.
/// </summary>
public sealed class ProcessCleanupTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private static readonly TimeSpan KillLatency = TimeSpan.FromSeconds(1);

    /// <summary>sh that records itself and two background sleeps, then waits on them.</summary>
    private static string TreeScript(PidFile pids, string prelude = "") =>
        $"sh -c '{prelude}echo $$ >> {pids.Path}; sleep 3001 & echo $! >> {pids.Path}; sleep 3002 & echo $! >> {pids.Path}; wait'";

    [Trait(EmulatedSubset.Trait, EmulatedSubset.Emulated)]
    [Fact]
    public async Task Exec_timeout_kills_every_descendant_within_a_second_of_the_408()
    {
        using var pids = new PidFile();
        await using var watchdog = await StartAsync(TreeScript(pids), ("exec_timeout", "1s"));

        using var response = await watchdog.Client.PostBodyAsync("");
        var since408 = Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        var tree = pids.Read();
        Assert.Equal(3, tree.Count);
        var gone = await Eventually.TrueWithinAsync(() => PidFile.Survivors(tree).Count == 0
            && ProcFs.Descendants(watchdog.Pid).Count == 0, KillLatency);
        Assert.True(gone, $"{since408.Elapsed.TotalSeconds:0.00}s after the 408, still running: " +
            $"[{string.Join(", ", PidFile.Survivors(tree))}]; below the watchdog: [{string.Join(", ", ProcFs.Descendants(watchdog.Pid))}]");
    }

    [Fact]
    public async Task Function_ignoring_sigterm_is_killed_after_kill_grace()
    {
        using var pids = new PidFile();
        await using var watchdog = await StartAsync(TreeScript(pids, "trap \"\" TERM; "),
            ("exec_timeout", "1s"), ("kill_grace", "1s"));

        using var response = await watchdog.Client.PostBodyAsync("");
        var since408 = Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        var tree = pids.Read();
        Assert.Equal(3, tree.Count);
        var gone = await Eventually.TrueWithinAsync(() => PidFile.Survivors(tree).Count == 0, TimeSpan.FromSeconds(1) + KillLatency);
        Assert.True(gone, $"{since408.Elapsed.TotalSeconds:0.00}s after the 408, still running: [{string.Join(", ", PidFile.Survivors(tree))}]");
    }

    [Trait(EmulatedSubset.Trait, EmulatedSubset.Emulated)]
    [Fact]
    public async Task Client_closing_its_socket_kills_the_function_within_a_second()
    {
        using var pids = new PidFile();
        await using var watchdog = await StartAsync(TreeScript(pids));
        using var socket = await RawHttp.ConnectAsync(watchdog.Port);
        await socket.SendAsync(RawHttp.Post("/", "body"), SocketFlags.None);
        var tree = await pids.WaitForAsync(3, Limits.Quick);

        socket.Close();
        var sinceClose = Stopwatch.StartNew();

        var gone = await Eventually.TrueWithinAsync(() => PidFile.Survivors(tree).Count == 0, KillLatency);
        Assert.True(gone, $"{sinceClose.Elapsed.TotalSeconds:0.00}s after the client left, still running: [{string.Join(", ", PidFile.Survivors(tree))}]");
        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
