using Fwatchdog.Operations.Tests.Prometheus;
using Fwatchdog.Operations.Tests.Support;
using Fwatchdog.Testing;
using Xunit;

namespace Fwatchdog.Operations.Tests;

/// <summary>
/// The metrics as an operator sees them: scraped by a real Prometheus and read back through its
/// query API, so the exposition format, names and labels are checked by the consumer that matters.
/// </summary>
public sealed class PrometheusScrapeTests
{
    private static readonly string Job = $"job=\"{PrometheusServer.Job}\"";

    [Fact]
    public async Task Prometheus_reads_counts_per_outcome_exit_code_and_status_that_match_the_calls_made()
    {
        using var function = new FunctionScript(MixedCalls.Script);
        await using var watchdog = await WatchdogProcess.StartAsync(function.Path, ("exec_timeout", MixedCalls.ExecTimeout));
        await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{watchdog.MetricsPort}");

        await MixedCalls.MakeAsync(watchdog);

        var expectedOutcomes = new Dictionary<string, double>
        {
            ["success"] = MixedCalls.Successes, ["error"] = 1, ["timeout"] = 1, ["killed"] = 0, ["rejected"] = 0,
        };
        var outcomes = await WaitForScrapeAsync(prometheus, $"function_executions_total{{{Job}}}", "outcome", expectedOutcomes);
        Assert.Equal(Sorted(expectedOutcomes), Sorted(outcomes));

        var exitCodes = await prometheus.Api.ByLabelAsync($"function_exit_codes_total{{{Job}}}", "code");
        Assert.Equal(Sorted(new Dictionary<string, double> { ["0"] = MixedCalls.Successes, [MixedCalls.FailingExitCode.ToString()] = 1 }), Sorted(exitCodes));

        var byStatus = await prometheus.Api.ByLabelAsync($"sum by (code) (http_requests_total{{{Job},method=\"post\"}})", "code");
        Assert.Equal(Sorted(new Dictionary<string, double> { ["200"] = MixedCalls.Successes, ["500"] = 1, ["408"] = 1 }), Sorted(byStatus));

        var latencyCounts = await prometheus.Api.ByLabelAsync($"sum by (code) (http_request_duration_seconds_count{{{Job}}})", "code");
        Assert.Equal(Sorted(byStatus), Sorted(latencyCounts));

        Assert.Equal(MixedCalls.Successes + 2, await ScalarAsync(prometheus, $"function_execution_duration_seconds_count{{{Job}}}"));
        // The timed-out call ran for exec_timeout, so at least one observation sits above the 1s bucket.
        Assert.True(await ScalarAsync(prometheus, $"function_execution_duration_seconds_bucket{{{Job},le=\"+Inf\"}} - ignoring(le) function_execution_duration_seconds_bucket{{{Job},le=\"1\"}}") >= 1);
        Assert.Equal(MixedCalls.Successes * MixedCalls.SuccessBody.Length, await ScalarAsync(prometheus, $"function_bytes_in_total{{{Job}}}"));
        Assert.Equal(MixedCalls.Successes * MixedCalls.SuccessBody.Length, await ScalarAsync(prometheus, $"function_bytes_out_total{{{Job}}}"));
        Assert.Equal(0, await ScalarAsync(prometheus, $"http_requests_in_flight{{{Job}}}"));
        Assert.Equal(1, await ScalarAsync(prometheus, $"up{{{Job}}}"));
    }

    [Fact]
    public async Task Prometheus_reads_process_metrics_describing_the_watchdog_process()
    {
        await using var watchdog = await WatchdogProcess.StartAsync("cat");
        await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{watchdog.MetricsPort}");

        var seen = await Eventually.TrueWithinAsync(
            async () => (await prometheus.Api.QueryAsync($"process_resident_memory_bytes{{{Job}}}")).Count == 1,
            Limits.Prometheus, TimeSpan.FromMilliseconds(250));
        Assert.True(seen, "Prometheus never stored process_resident_memory_bytes.\n" + prometheus.Output.Dump());

        var rss = await ScalarAsync(prometheus, $"process_resident_memory_bytes{{{Job}}}");
        var vsz = await ScalarAsync(prometheus, $"process_virtual_memory_bytes{{{Job}}}");
        Assert.InRange(rss, 1024 * 1024, 1024.0 * 1024 * 1024); // a live AOT binary: more than 1 MiB, less than 1 GiB
        Assert.True(vsz >= rss, $"virtual {vsz} < resident {rss}");
        Assert.InRange(await ScalarAsync(prometheus, $"process_open_fds{{{Job}}}"), 3, 10_000);
        Assert.True(await ScalarAsync(prometheus, $"process_cpu_seconds_total{{{Job}}}") >= 0);

        // Start time is the watchdog's, not the scrape's: within the minute before now.
        var started = await ScalarAsync(prometheus, $"process_start_time_seconds{{{Job}}}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.InRange(started, now - 120, now + 1);
    }

    [Fact]
    public async Task After_successes_errors_and_timeouts_the_exposition_passes_promtool_check_metrics()
    {
        using var function = new FunctionScript(MixedCalls.Script);
        await using var watchdog = await WatchdogProcess.StartAsync(function.Path, ("exec_timeout", MixedCalls.ExecTimeout));
        await MixedCalls.MakeAsync(watchdog);

        var text = await watchdog.MetricsClient.GetTextAsync("/metrics");
        var (exitCode, output) = await Promtool.CheckMetricsAsync(text, Limits.Quick);

        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}\n--- scraped ---\n{text}");
        Assert.Contains("function_executions_total{outcome=\"timeout\"} 1", text);
    }

    /// <summary>
    /// Polls Prometheus until the query's per-label values equal <paramref name="expected"/> (the calls
    /// are made before the next 1s scrape, but when that scrape lands is Prometheus' business), and
    /// returns what it last saw so a mismatch at the deadline is reported with the real values.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, double>> WaitForScrapeAsync(
        PrometheusServer prometheus, string promql, string label, IReadOnlyDictionary<string, double> expected)
    {
        IReadOnlyDictionary<string, double> last = new Dictionary<string, double>();
        await Eventually.TrueWithinAsync(async () =>
        {
            last = await prometheus.Api.ByLabelAsync(promql, label);
            return Sorted(last).SequenceEqual(Sorted(expected));
        }, Limits.Prometheus, TimeSpan.FromMilliseconds(250));
        return last;
    }

    private static async Task<double> ScalarAsync(PrometheusServer prometheus, string promql)
    {
        var samples = await prometheus.Api.QueryAsync(promql);
        Assert.True(samples.Count == 1, $"{promql} returned {samples.Count} series, expected 1.");
        return samples[0].Value;
    }

    private static List<KeyValuePair<string, double>> Sorted(IReadOnlyDictionary<string, double> values) =>
        values.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
}
