using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>ready_path in the fork modes, as the of-watchdog runs it in every mode: /_/ready is the function's own answer to GET ready_path.</summary>
public sealed class ReadyPathTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Theory]
    [InlineData("classic")]
    [InlineData("streaming")]
    public async Task Ready_runs_the_function_for_ready_path_and_answers_with_what_it_says(string mode)
    {
        using var files = new TempDirectory("ready");
        var warm = files.File("warm");
        var script = $"if [ \"$Http_Path\" = /warm-up ]; then [ -f {warm} ] || exit 1; echo \"ready $Http_Method\"; else cat; fi";
        await using var watchdog = await StartAsync($"sh -c '{script}'", ("mode", mode), ("ready_path", "warm-up"), ("combine_output", "false"));

        using (var cold = await watchdog.Client.GetAsync("/_/ready?x=1", Limits.Quick))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, cold.StatusCode); // in mode=streaming too
            Assert.Equal("exit status 1\n", await cold.BodyAsync());
        }
        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode); // liveness never runs the function

        File.WriteAllText(warm, "");
        using var ready = await watchdog.Client.GetAsync("/_/ready", Limits.Quick);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready GET\n", await ready.BodyAsync());
        using var call = await watchdog.Client.PostBodyAsync("hi");
        Assert.Equal("hi", await call.BodyAsync());
    }

    [Fact]
    public async Task Without_ready_path_ready_does_not_run_the_function()
    {
        using var files = new TempDirectory("ready");
        var marker = files.File("ran");
        await using var watchdog = await StartAsync($"sh -c 'touch {marker}; cat'");

        using var ready = await watchdog.Client.GetAsync("/_/ready", Limits.Quick);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.False(File.Exists(marker));
    }
}
