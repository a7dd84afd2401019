using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>Prometheus text on metrics_port.</summary>
public sealed class MetricsTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private static readonly Regex PostOkCounter = new(@"^http_requests_total\{code=""200"",method=""post""\} (\S+)$", RegexOptions.Multiline);

    private static async Task<string> ScrapeAsync(WatchdogProcess watchdog)
    {
        using var response = await watchdog.MetricsClient.GetAsync("/metrics", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.BodyAsync();
    }

    [Fact]
    public async Task Request_counter_appears_after_a_call()
    {
        await using var watchdog = await StartAsync("cat");
        using (var response = await watchdog.Client.PostBodyAsync("x"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The counter may be bumped just after the response is flushed, so allow a short catch-up.
        var text = "";
        var seen = await Eventually.TrueWithinAsync(async () => PostOkCounter.IsMatch(text = await ScrapeAsync(watchdog)), Limits.Quick);

        Assert.True(seen, $"No http_requests_total{{code=\"200\",method=\"post\"}} in:\n{text}");
        Assert.True(double.Parse(PostOkCounter.Match(text).Groups[1].Value, CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task Scraped_text_passes_promtool_check_metrics()
    {
        await using var watchdog = await StartAsync("cat");
        using (var response = await watchdog.Client.PostBodyAsync("x"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await ScrapeAsync(watchdog);

        var (exitCode, output) = await Promtool.CheckMetricsAsync(text, Limits.Quick);

        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}\n--- scraped ---\n{text}");
    }
}
