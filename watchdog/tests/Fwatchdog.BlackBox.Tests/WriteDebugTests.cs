using System.Net;
using System.Text.RegularExpressions;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>write_debug=true: the function's output in the log, in the Go classic watchdog's words.</summary>
public sealed class WriteDebugTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Fact]
    public async Task A_successful_call_logs_its_output_as_it_is_then_the_duration()
    {
        await using var watchdog = await StartAsync("cat", ("write_debug", "true"));

        using (var response = await watchdog.Client.PostBodyAsync("first output line\nsecond output line\n"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await watchdog.WaitForLineAsync(new Regex(@"Duration: \d+\.\d{6}s"), Limits.Quick);
        var lines = watchdog.Output.StdoutLines;
        var first = lines.ToList().IndexOf("first output line");
        Assert.True(first >= 0, $"The output is not in the log as it is:\n{watchdog.Output.Dump()}");
        Assert.Equal("second output line", lines[first + 1]);
        Assert.Matches(@"Duration: \d+\.\d{6}s", lines[first + 2]);
        Assert.False(watchdog.Output.Contains("Wrote "), "Go writes Duration in place of Wrote N Bytes under write_debug");
    }

    [Fact]
    public async Task A_failed_call_logs_success_false_the_error_and_the_output_after_Out()
    {
        await using var watchdog = await StartAsync("sh -c 'echo went wrong; echo details; exit 3'", ("write_debug", "true"));

        using (var response = await watchdog.Client.PostBodyAsync(""))
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);

        await watchdog.WaitForLineAsync("Success=false, Error=exit status 3", Limits.Quick);
        // The output is logged after the error line, as it is read back: wait for its last line.
        await watchdog.Output.WaitForLineAsync(line => line == "details", "the output's last line", Limits.Quick);
        var lines = watchdog.Output.StdoutLines.ToList();
        var first = lines.FindIndex(line => line.Contains("Out=went wrong", StringComparison.Ordinal));
        Assert.True(first >= 0, $"No Out= line:\n{watchdog.Output.Dump()}");
        Assert.Equal("details", lines[first + 1]);
    }

    [Fact]
    public async Task With_cgi_headers_the_query_and_path_are_logged()
    {
        await using var watchdog = await StartAsync("cat", ("write_debug", "true"));

        using (var response = await watchdog.Client.PostBodyAsync("x", "/some/path?a=1&b=2"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await watchdog.WaitForLineAsync("Query  a=1&b=2", Limits.Quick);
        await watchdog.WaitForLineAsync("Path  /some/path", Limits.Quick);
    }

    [Fact]
    public async Task Without_write_debug_the_output_stays_out_of_the_log()
    {
        await using var watchdog = await StartAsync("cat");

        using (var response = await watchdog.Client.PostBodyAsync("private output\n"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await watchdog.WaitForLineAsync("Wrote 15 Bytes", Limits.Quick);
        Assert.False(watchdog.Output.Contains("private output"));
    }
}
