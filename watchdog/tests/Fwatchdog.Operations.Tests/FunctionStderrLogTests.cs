using Fwatchdog.Operations.Tests.Support;
using Fwatchdog.Testing;
using Xunit;

namespace Fwatchdog.Operations.Tests;

/// <summary>
/// combine_output=false sends the function's stderr to the watchdog's log. prefix_logs (default
/// true) decides whether each line is marked "stderr: "; functions that write their own structured
/// logs turn it off so collectors see their lines unchanged.
/// </summary>
public sealed class FunctionStderrLogTests
{
    private const string PlainLine = "plain line from the function";
    private const string JsonLine = """{"level":"info","msg":"structured line from the function"}""";

    private static readonly string Script = $"""
        echo '{PlainLine}' >&2
        echo '{JsonLine}' >&2
        echo done
        """;

    [Fact]
    public async Task By_default_function_stderr_lines_are_prefixed_with_stderr()
    {
        using var function = new FunctionScript(Script);
        await using var watchdog = await WatchdogProcess.StartAsync(function.Path, ("combine_output", "false"));

        using (var response = await watchdog.Client.PostAsync("/", ""))
            Assert.Equal("done\n", await response.BodyAsync());

        await watchdog.WaitForLineAsync($"stderr: {PlainLine}", Limits.Quick);
    }

    [Fact]
    public async Task With_prefix_logs_false_function_stderr_lines_have_no_stderr_prefix()
    {
        using var function = new FunctionScript(Script);
        await using var watchdog = await WatchdogProcess.StartAsync(function.Path, ("combine_output", "false"), ("prefix_logs", "false"));

        using (var response = await watchdog.Client.PostAsync("/", ""))
            Assert.Equal("done\n", await response.BodyAsync());

        var line = await watchdog.WaitForLineAsync(PlainLine, Limits.Quick);
        Assert.DoesNotContain("stderr:", line.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_prefix_logs_false_a_function_s_json_log_line_is_passed_through_unchanged()
    {
        // The Go of-watchdog writes such lines with no date, no stream name and nothing appended,
        // which is what lets a collector parse a function's own JSON logs.
        using var function = new FunctionScript(Script);
        await using var watchdog = await WatchdogProcess.StartAsync(function.Path, ("combine_output", "false"), ("prefix_logs", "false"));

        using (var response = await watchdog.Client.PostAsync("/", ""))
            Assert.Equal("done\n", await response.BodyAsync());

        var line = await watchdog.WaitForLineAsync("structured line from the function", Limits.Quick);
        Assert.Equal(JsonLine, line.Text);
    }
}
