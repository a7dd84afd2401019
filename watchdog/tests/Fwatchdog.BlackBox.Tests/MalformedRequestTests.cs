using System.Net;
using System.Text;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Malformed requests get a 4xx and a log line naming the cause; the function never forks and the
/// watchdog keeps serving. Header names must be tokens and values free of control characters, as
/// in Go, so no header can forge a variable such as Http_Method.
/// </summary>
public sealed class MalformedRequestTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Theory]
    [InlineData("Content-Length: -5", "Invalid content length: -5")]
    [InlineData("Content-Length: abc", "Invalid content length: abc")]
    [InlineData("Content-Length: 3\r\nContent-Length: 4", "Multiple Content-Length")]
    [InlineData("Content-Length: +3", "Invalid content length")]
    [InlineData("Content-Length: -0", "Invalid content length")]
    [InlineData("Method=DELETE: x", "header name \"Method=DELETE\" is not a token")] // would forge Http_Method
    [InlineData("Path=/admin: x", "header name \"Path=/admin\" is not a token")]
    [InlineData("A\u0001B: x", "header name \"A\\x01B\" is not a token")]
    [InlineData("X-Value: a\u0001b", "header X-Value has a control character")]
    [InlineData("X-Value: a\u007fb", "header X-Value has a control character")]
    public async Task A_bogus_header_is_400_with_a_log_line_and_nothing_forks(string header, string logged)
    {
        await using var watchdog = await StartAsync("cat");
        var request = Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\n\r\nabc");

        var status = await RawHttp.SendAndReadStatusAsync(watchdog.Port, request, Limits.Quick);

        Assert.Equal(400, status);
        await watchdog.Output.WaitForLineAsync(line => line.Contains("Rejected a malformed request", StringComparison.Ordinal)
            && line.Contains(logged, StringComparison.OrdinalIgnoreCase), logged, Limits.Quick);
        Assert.Equal(0, watchdog.Output.Count(line => line.Contains("Forking fprocess.", StringComparison.Ordinal)));
        using var after = await watchdog.Client.PostBodyAsync("still serving");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_chunk_size_beyond_64_bits_is_400_with_a_status_line_not_a_reset()
    {
        await using var watchdog = await StartAsync("cat");
        var request = Encoding.ASCII.GetBytes(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff1\r\nabc\r\n0\r\n\r\n");

        var status = await RawHttp.SendAndReadStatusAsync(watchdog.Port, request, Limits.Quick);

        Assert.Equal(400, status);
        await watchdog.Output.WaitForLineAsync("a chunk size does not fit in 64 bits", Limits.Quick);
        using var after = await watchdog.Client.PostBodyAsync("still serving");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
