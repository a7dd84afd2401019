using System.Globalization;
using System.Text.RegularExpressions;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>The per-request log words operators grep for.</summary>
public sealed class LoggingTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Fact]
    public async Task Each_call_logs_forking_and_bytes_written_with_duration()
    {
        await using var watchdog = await StartAsync("cat");

        using (var response = await watchdog.Client.PostBodyAsync("eleven byte"))
            Assert.Equal("eleven byte", await response.BodyAsync());

        await watchdog.WaitForLineAsync("Forking fprocess.", Limits.Quick);
        var wrote = await watchdog.WaitForLineAsync(new Regex(@"Wrote (\d+) Bytes - Duration: \d+\.\d{6}s"), Limits.Quick);
        var bytes = Regex.Match(wrote.Text, @"Wrote (\d+) Bytes").Groups[1].Value;
        Assert.Equal(11, int.Parse(bytes, CultureInfo.InvariantCulture));
    }
}
