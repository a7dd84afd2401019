using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>Start-up configuration from the environment.</summary>
public sealed class ConfigurationTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Fact]
    public async Task Missing_fprocess_exits_1_naming_the_variable()
    {
        await using var watchdog = await RunToExitAsync(new WatchdogOptions { WaitForReady = false }, Limits.Exit);

        Assert.Equal(1, watchdog.ExitCode);
        Assert.True(watchdog.Output.Contains("fprocess"), $"No output line names fprocess:\n{watchdog.Output.Dump()}");
    }

    [Fact]
    public async Task Configured_timeouts_are_logged_and_health_interval_defaults_to_write_timeout()
    {
        await using var watchdog = await StartAsync("cat",
            ("read_timeout", "5"), ("write_timeout", "7s"), ("exec_timeout", "3s"));

        await watchdog.WaitForLineAsync("Timeouts: read: 5s write: 7s hard: 3s health: 7s.", Limits.Quick);
    }

    [Fact]
    public async Task Unparseable_duration_falls_back_to_the_default_with_a_warning()
    {
        await using var watchdog = await StartAsync("cat", ("read_timeout", "banana"));

        await watchdog.WaitForLineAsync("Timeouts: read: 30s write: 30s hard: 0s health: 30s.", Limits.Quick);
        Assert.True(watchdog.Output.Contains("read_timeout"),
            $"Expected a warning naming read_timeout:\n{watchdog.Output.Dump()}");

        using var response = await watchdog.Client.PostBodyAsync("still serving");
        Assert.Equal("still serving", await response.BodyAsync());
    }

    [Fact]
    public async Task Cgi_headers_0_turns_CGI_headers_off_as_in_the_Go_watchdog_and_says_so()
    {
        await using var watchdog = await StartAsync("env", ("cgi_headers", "0"));

        using var response = await watchdog.Client.PostBodyAsync("x");

        Assert.DoesNotContain("Http_Method=", await response.BodyAsync());
        await watchdog.WaitForLineAsync("cgi_headers=\"0\" is neither true nor false; read as false", Limits.Quick);
    }

    [Fact]
    public async Task Json_log_format_writes_one_json_object_per_line()
    {
        await using var watchdog = await StartAsync("cat", ("log_format", "json"));
        using (var response = await watchdog.Client.PostBodyAsync("x"))
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await watchdog.WaitForLineAsync("Forking fprocess.", Limits.Quick);

        var lines = watchdog.Output.StdoutLines.Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var parsed = System.Text.Json.JsonDocument.Parse(line);
            Assert.Equal(System.Text.Json.JsonValueKind.Object, parsed.RootElement.ValueKind);
        }
    }
}
