using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>The <c>Http_*</c> variables the function sees (cgi_headers).</summary>
public sealed class CgiEnvironmentTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private static async Task<IReadOnlyList<string>> EnvironmentSeenByFunctionAsync(WatchdogProcess watchdog, params (string, string)[] headers)
    {
        using var response = await watchdog.Client.PostBodyAsync("12345", "/some/path?a=1&b=2", headers);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.BodyAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Single(IReadOnlyList<string> environment, string name)
    {
        var matches = environment.Where(l => l.StartsWith(name + "=", StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"Expected exactly one {name}, got [{string.Join(", ", matches)}] in:\n{string.Join('\n', environment)}");
        return matches[0][(name.Length + 1)..];
    }

    [Fact]
    public async Task Request_metadata_and_headers_become_Http_variables()
    {
        await using var watchdog = await StartAsync("env");

        var environment = await EnvironmentSeenByFunctionAsync(watchdog, ("X-Custom-Header", "custom value"));

        Assert.Equal("POST", Single(environment, "Http_Method"));
        Assert.Equal("a=1&b=2", Single(environment, "Http_Query"));
        Assert.Equal("/some/path", Single(environment, "Http_Path"));
        Assert.Equal($"127.0.0.1:{watchdog.Port}", Single(environment, "Http_Host"));
        Assert.Equal("5", Single(environment, "Http_Content_Length"));
        Assert.Equal("custom value", Single(environment, "Http_X_Custom_Header"));
    }

    [Fact]
    public async Task Disabled_cgi_headers_pass_no_Http_variables()
    {
        await using var watchdog = await StartAsync("env", ("cgi_headers", "false"));

        var environment = await EnvironmentSeenByFunctionAsync(watchdog, ("X-Custom-Header", "v"));

        Assert.Contains(environment, l => l.StartsWith("fprocess=", StringComparison.Ordinal)); // it really ran env
        Assert.DoesNotContain(environment, l => l.StartsWith("Http_", StringComparison.Ordinal));
    }
}
