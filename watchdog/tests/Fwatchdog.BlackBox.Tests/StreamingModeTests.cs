using System.Net;
using System.Text;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>mode=streaming: output reaches the client while the function is still running.</summary>
public sealed class StreamingModeTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Trait(EmulatedSubset.Trait, EmulatedSubset.Emulated)]
    [Fact]
    public async Task First_bytes_arrive_before_the_function_exits()
    {
        using var gate = new FunctionGate();
        // Prints, then blocks at the gate: "second" can only be written after the test has read "first".
        await using var watchdog = await StartAsync(
            $"sh -c 'echo first; {gate.WaitScript}; echo second'", ("mode", "streaming"));

        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("") };
        using var response = await watchdog.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);

        var received = new StringBuilder();
        var buffer = new byte[256];
        while (!received.ToString().Contains("first\n", StringComparison.Ordinal))
        {
            var n = await body.ReadAsync(buffer, cts.Token);
            Assert.True(n > 0, $"Body ended after \"{received}\" without the first line");
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        Assert.False(File.Exists(gate.ReleaseFile)); // the function is provably still running

        gate.Release();
        using var rest = new StreamReader(body);
        received.Append(await rest.ReadToEndAsync(cts.Token));
        Assert.Equal("first\nsecond\n", received.ToString());
    }
}
