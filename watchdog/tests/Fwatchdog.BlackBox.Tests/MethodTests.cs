using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>Methods outside POST/PUT/PATCH/DELETE/GET are refused before any process is forked.</summary>
public sealed class MethodTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Theory]
    [InlineData("OPTIONS")]
    [InlineData("HEAD")]
    [InlineData("PROPFIND")]
    public async Task Other_methods_get_405_without_forking(string method)
    {
        await using var watchdog = await StartAsync("cat");

        using (var cts = new CancellationTokenSource(Limits.Quick))
        using (var refused = await watchdog.Client.SendAsync(Requests.Make(new HttpMethod(method)), cts.Token))
            Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);

        // A request that does fork, made after the refused one, proves the log is current.
        using (var accepted = await watchdog.Client.PostBodyAsync("x"))
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await watchdog.WaitForLineAsync("Forking fprocess.", Limits.Quick);
        Assert.Equal(1, watchdog.Output.Count(l => l.Contains("Forking fprocess.", StringComparison.Ordinal)));
    }
}
