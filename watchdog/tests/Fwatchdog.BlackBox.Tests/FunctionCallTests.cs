using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>Request body to stdin, stdout to the response, and how fprocess is split into words.</summary>
public sealed class FunctionCallTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Trait(EmulatedSubset.Trait, EmulatedSubset.Emulated)]
    [Fact]
    public async Task Cat_echoes_the_request_body()
    {
        await using var watchdog = await StartAsync("cat");

        using var response = await watchdog.Client.PostBodyAsync("hello, function");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello, function", await response.BodyAsync());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("POST")]
    public async Task Every_function_method_reaches_the_function(string method)
    {
        await using var watchdog = await StartAsync("sh -c 'echo \"$Http_Method\"'");

        using var cts = new CancellationTokenSource(Limits.Quick);
        using var response = await watchdog.Client.SendAsync(Requests.Make(new HttpMethod(method), "/", method == "GET" ? null : "x"), cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(method + "\n", await response.BodyAsync());
    }

    [Fact]
    public async Task Quoted_fprocess_words_reach_the_program_as_one_argument()
    {
        // Without shell-word splitting, sh would get "'echo" as its script and fail.
        await using var watchdog = await StartAsync("sh -c 'echo \"$Http_Method\" from   sh'");

        using var response = await watchdog.Client.PostBodyAsync("");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("POST from sh\n", await response.BodyAsync());
    }

    [Fact]
    public async Task Call_id_is_echoed_from_the_request_or_generated()
    {
        await using var watchdog = await StartAsync("cat");

        using (var given = await watchdog.Client.PostBodyAsync("", "/", ("X-Call-Id", "call-1234")))
            Assert.Equal("call-1234", Assert.Single(given.Headers.GetValues("X-Call-Id")));

        using var generated = await watchdog.Client.PostBodyAsync("");
        Assert.False(string.IsNullOrWhiteSpace(Assert.Single(generated.Headers.GetValues("X-Call-Id"))));
    }
}
