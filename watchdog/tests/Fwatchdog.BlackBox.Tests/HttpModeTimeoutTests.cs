using System.Diagnostics;
using System.Net;
using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>mode=http honours X-Timeout as today's of-watchdog does — shorter only, and never a way to turn the limit off.</summary>
public sealed class HttpModeTimeoutTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private static async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> HangAsync(WatchdogProcess watchdog, UpstreamServer upstream, string? xTimeout)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/hang?mark={upstream.File("aborted")}");
        if (xTimeout is not null)
            request.Headers.TryAddWithoutValidation("X-Timeout", xTimeout);
        using var limit = new CancellationTokenSource(Limits.Quick);
        var watch = Stopwatch.StartNew();
        var response = await watchdog.Client.SendAsync(request, limit.Token);
        return (response, watch.Elapsed);
    }

    [Fact]
    public async Task A_shorter_X_Timeout_answers_504_in_about_that_time_naming_it()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("exec_timeout", "20s")));

        var (response, elapsed) = await HangAsync(watchdog, upstream, "300ms");
        using (response)
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Equal("The function did not answer within X-Timeout (300ms).\n", await response.BodyAsync());
            Assert.Equal("of-watchdog", response.Headers.GetValues("X-OpenFaaS-Internal").Single());
        }
        Assert.InRange(elapsed.TotalSeconds, 0.25, 10);
        Assert.True(await Eventually.TrueWithinAsync(() => File.Exists(upstream.File("aborted")), Limits.Quick), "the upstream request was not aborted");
    }

    [Fact]
    public async Task A_longer_X_Timeout_does_not_extend_exec_timeout()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("exec_timeout", "500ms")));

        var (response, _) = await HangAsync(watchdog, upstream, "1m");
        using (response)
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Contains("within exec_timeout (500ms)", await response.BodyAsync());
        }
    }

    [Theory]
    [InlineData("0s")]     // Go's of-watchdog turns the limit off for this
    [InlineData("-1s")]
    [InlineData("banana")]
    public async Task An_X_Timeout_that_is_not_positive_or_does_not_parse_is_ignored(string value)
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("exec_timeout", "500ms")));

        var (response, elapsed) = await HangAsync(watchdog, upstream, value);
        using (response)
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Contains("within exec_timeout (500ms)", await response.BodyAsync());
        }
        Assert.InRange(elapsed.TotalSeconds, 0.4, 10);
    }

    [Fact]
    public async Task Without_exec_timeout_X_Timeout_sets_the_limit()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("exec_timeout", "0")));

        var (response, _) = await HangAsync(watchdog, upstream, "1");
        using (response)
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Contains("within X-Timeout (1s)", await response.BodyAsync());
        }
    }
}
