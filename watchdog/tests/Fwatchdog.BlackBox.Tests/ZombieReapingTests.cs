using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// As PID 1 of a container the watchdog inherits every orphan and must reap it; it must also not
/// steal its own functions' exit statuses while doing so. Runs under unshare (root).
/// </summary>
public sealed class ZombieReapingTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private static WatchdogLaunch AsPid1(string fprocess) => new()
    {
        RunAsPid1 = true,
        Environment = { ["fprocess"] = fprocess },
    };

    private static async Task<IReadOnlyList<(HttpStatusCode Status, string Body)>> CallManyAsync(WatchdogProcess watchdog, int count)
    {
        var results = new (HttpStatusCode, string)[count];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cts.Token }, async (i, token) =>
        {
            using var response = await watchdog.Client.PostAsync("/", new StringContent(""), token);
            results[i] = (response.StatusCode, await response.Content.ReadAsStringAsync(token));
        });
        return results;
    }

    [Fact]
    public async Task Two_hundred_orphaning_calls_leave_no_zombies()
    {
        await using var watchdog = await StartAsync(AsPid1("sh -c 'sleep 0.01 & echo hi'"));

        var results = await CallManyAsync(watchdog, 200);

        Assert.All(results, r => Assert.Equal((HttpStatusCode.OK, "hi\n"), r));
        // The orphaned sleeps end 10 ms after their parent; then nothing may remain below PID 1.
        var clean = await Eventually.TrueWithinAsync(() => ProcFs.Descendants(watchdog.Pid).Count == 0, TimeSpan.FromSeconds(5));
        var left = ProcFs.Descendants(watchdog.Pid);
        Assert.True(clean, $"{left.Count(p => p.IsZombie)} zombies, {left.Count(p => !p.IsZombie)} live processes left: [{string.Join(", ", left.Take(10))}]");
    }

    [Fact]
    public async Task Reaping_orphans_does_not_steal_function_exit_statuses()
    {
        await using var watchdog = await StartAsync(AsPid1("sh -c 'sleep 0.01 & exit 3'"));

        var results = await CallManyAsync(watchdog, 100);

        Assert.All(results, r =>
        {
            Assert.Equal(HttpStatusCode.InternalServerError, r.Status);
            Assert.StartsWith("exit status 3\n", r.Body);
        });
    }
}
