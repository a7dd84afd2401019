using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// The container's stdout stops moving (Docker's blocking log mode behind a stalled collector, a full
/// disk): the watchdog keeps serving calls and health, drops log lines it cannot write, counts them
/// in a metric and says how many once stdout moves again.
/// </summary>
public sealed class StalledStdoutTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const int Calls = 400;
    private const int Concurrency = 16;

    [Fact]
    public async Task Calls_and_health_keep_answering_while_nobody_reads_stdout_and_the_dropped_lines_are_reported()
    {
        // Each call logs 2,000 lines of the function's stderr, so stdout's pipe (64 KiB) fills at once.
        await using var watchdog = await StartAsync(WatchdogLaunch.For("sh -c 'seq 1 2000 >&2; cat'",
            ("combine_output", "false")));

        watchdog.Output.PauseStdout();
        var next = 0;
        var slowest = TimeSpan.Zero;
        var gate = new object();
        async Task CallerAsync()
        {
            while (Interlocked.Increment(ref next) is var n && n <= Calls)
            {
                var body = "call " + n.ToString(CultureInfo.InvariantCulture);
                var started = Stopwatch.GetTimestamp();
                using var response = await watchdog.Client.PostBodyAsync(body);
                Assert.Equal(200, (int)response.StatusCode);
                Assert.Equal(body, await response.BodyAsync());
                var took = Stopwatch.GetElapsedTime(started);
                lock (gate)
                    slowest = took > slowest ? took : slowest;
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => CallerAsync()));

        var probes = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
            probes.Add(Stopwatch.GetElapsedTime(started));
            Assert.Equal(200, (int)health.StatusCode);
        }
        probes.Sort();
        Assert.True(probes[2] < TimeSpan.FromMilliseconds(100), $"The health probe's median took {probes[2].TotalMilliseconds:0} ms with stdout blocked.");

        using (var metrics = await watchdog.MetricsClient.GetAsync("/metrics", Limits.Quick))
        {
            var text = await metrics.BodyAsync();
            var dropped = Regex.Match(text, @"^log_lines_dropped_total (\d+)$", RegexOptions.Multiline);
            Assert.True(dropped.Success, "No log_lines_dropped_total in /metrics:\n" + text);
            Assert.True(long.Parse(dropped.Groups[1].Value, CultureInfo.InvariantCulture) > 0, "No line was counted as dropped.");
        }

        watchdog.Output.ResumeStdout();
        await watchdog.WaitForLineAsync(new Regex(@"\d+ log lines dropped while stdout was blocked"), Limits.Quick);
        Output.WriteLine($"Slowest call with stdout blocked: {slowest.TotalMilliseconds:0} ms.");
    }
}
