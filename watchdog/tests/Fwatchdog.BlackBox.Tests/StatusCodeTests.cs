using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>How the function's outcome maps to the HTTP status and body.</summary>
public sealed class StatusCodeTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Fact]
    public async Task Success_is_200_with_a_six_decimal_duration_header()
    {
        await using var watchdog = await StartAsync("cat");

        using var response = await watchdog.Client.PostBodyAsync("ok");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(new Regex(@"^\d+\.\d{6}$"), Assert.Single(response.Headers.GetValues("X-Duration-Seconds")));
    }

    [Trait(EmulatedSubset.Trait, EmulatedSubset.Emulated)]
    [Fact]
    public async Task Non_zero_exit_is_500_starting_with_the_exit_status()
    {
        await using var watchdog = await StartAsync("sh -c 'echo partial; exit 3'");

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("exit status 3\n", await response.BodyAsync());
    }

    [Fact]
    public async Task Death_by_signal_is_500_naming_the_signal()
    {
        await using var watchdog = await StartAsync("sh -c 'kill -9 $$'");

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("signal: ", await response.BodyAsync());
    }

    [Trait(EmulatedSubset.Trait, EmulatedSubset.Emulated)]
    [Fact]
    public async Task Exec_timeout_kills_the_function_with_408()
    {
        await using var watchdog = await StartAsync("sleep 30", ("exec_timeout", "1s"));

        var clock = Stopwatch.StartNew();
        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.Equal("Killed process.\n", await response.BodyAsync());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task X_Timeout_header_shortens_the_exec_timeout()
    {
        await using var watchdog = await StartAsync("sleep 30", ("exec_timeout", "25s"));

        var clock = Stopwatch.StartNew();
        using var response = await watchdog.Client.PostBodyAsync("", "/", ("X-Timeout", "1s"));

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task X_Timeout_header_cannot_extend_the_exec_timeout()
    {
        await using var watchdog = await StartAsync("sleep 30", ("exec_timeout", "1s"));

        var clock = Stopwatch.StartNew();
        using var response = await watchdog.Client.PostBodyAsync("", "/", ("X-Timeout", "60s"));

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Missing_program_is_a_5xx_naming_it_and_the_watchdog_keeps_serving()
    {
        const string program = "/nonexistent/fwatchdog-missing-program";
        await using var watchdog = await StartAsync(program);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await watchdog.Client.PostBodyAsync("");
            Assert.InRange((int)response.StatusCode, 500, 599);
            var body = await response.BodyAsync();
            Assert.True(body.Contains(program, StringComparison.Ordinal) || body.Contains("no such file", StringComparison.OrdinalIgnoreCase),
                $"Unclear error body: \"{body}\"");
        }

        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(watchdog.HasExited);
    }

    [Fact]
    public async Task Non_executable_program_is_a_5xx_with_a_clear_message()
    {
        using var dir = new TempDirectory("noexec");
        var program = dir.File("not-executable.sh");
        await File.WriteAllTextAsync(program, "#!/bin/sh\necho should-not-run\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var watchdog = await StartAsync(program);

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.InRange((int)response.StatusCode, 500, 599);
        var body = await response.BodyAsync();
        Assert.DoesNotContain("should-not-run", body);
        Assert.True(body.Contains(program, StringComparison.Ordinal) || body.Contains("permission denied", StringComparison.OrdinalIgnoreCase),
            $"Unclear error body: \"{body}\"");
        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
