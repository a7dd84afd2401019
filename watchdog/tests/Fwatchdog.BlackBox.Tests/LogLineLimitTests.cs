using System.Text.RegularExpressions;
using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>log_buffer_size: function lines longer than it are logged in marked pieces, never dropped.</summary>
public sealed class LogLineLimitTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const string Marker = " [line continues: longer than log_buffer_size]";

    [Fact]
    public async Task A_100000_byte_stderr_line_is_logged_as_a_64KiB_piece_and_the_rest()
    {
        await using var watchdog = await StartAsync("sh -c 'head -c 100000 /dev/zero | tr \"\\0\" x >&2; echo >&2; echo done'",
            ("combine_output", "false"), ("prefix_logs", "false"));

        using (var response = await watchdog.Client.PostBodyAsync(""))
            Assert.Equal("done\n", await response.BodyAsync());

        // The whole rest: a bare fragment would also match the first piece, which contains it.
        await watchdog.WaitForLineAsync(new Regex($"^x{{{100_000 - 65_536}}}$"), Limits.Quick);
        Assert.Contains(new string('x', 65_536) + Marker, watchdog.Output.StdoutLines);
        Assert.Contains(new string('x', 100_000 - 65_536), watchdog.Output.StdoutLines);
    }

    [Fact]
    public async Task A_smaller_log_buffer_size_splits_write_debug_output_lines_without_losing_a_byte()
    {
        var line = string.Concat(Enumerable.Range(0, 2500).Select(i => (char)('a' + i % 26)));
        await using var watchdog = await StartAsync("cat", ("write_debug", "true"), ("log_buffer_size", "1000"));

        using (var response = await watchdog.Client.PostBodyAsync(line + "\n"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await watchdog.WaitForLineAsync("Duration: ", Limits.Quick);
        var pieces = watchdog.Output.StdoutLines.SkipWhile(l => !l.StartsWith("abcdef", StringComparison.Ordinal)).Take(3).ToList();
        Assert.Equal(3, pieces.Count);
        Assert.EndsWith(Marker, pieces[0]);
        Assert.EndsWith(Marker, pieces[1]);
        Assert.Equal(line, string.Concat(pieces.Select(p => p.Replace(Marker, "", StringComparison.Ordinal))));
    }
}
