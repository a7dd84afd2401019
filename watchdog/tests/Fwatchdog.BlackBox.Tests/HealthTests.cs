using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>/_/health and /_/ready while serving normally.</summary>
public sealed class HealthTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Trait(EmulatedSubset.Trait, EmulatedSubset.Emulated)]
    [Theory]
    [InlineData("/_/health")]
    [InlineData("/_/ready")]
    public async Task Get_is_200_OK_without_forking(string path)
    {
        await using var watchdog = await StartAsync("cat");

        using var response = await watchdog.Client.GetAsync(path, Limits.Quick);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("OK", await response.BodyAsync());
        Assert.False(watchdog.Output.Contains("Forking fprocess."));
    }

    [Fact]
    public async Task Post_to_health_is_405()
    {
        await using var watchdog = await StartAsync("cat");

        using var response = await watchdog.Client.PostBodyAsync("", "/_/health");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
