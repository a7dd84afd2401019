using System.Net;
using Fwatchdog.Operations.Tests.Support;
using Fwatchdog.Testing;
using Xunit;

namespace Fwatchdog.Operations.Tests;

/// <summary>
/// The gateway's tracing headers: X-Call-Id correlates a call across gateway, watchdog and function
/// logs; X-Start-Time lets the function measure queueing delay. Both must reach the function.
/// </summary>
public sealed class TracingHeaderTests
{
    [Fact]
    public async Task X_Start_Time_reaches_the_function_as_Http_X_Start_Time()
    {
        // The gateway sends Unix time in nanoseconds.
        const string startTime = "1732280000123456789";
        await using var watchdog = await WatchdogProcess.StartAsync("env");

        using var response = await watchdog.Client.PostAsync("/", "", ("X-Start-Time", startTime));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Http_X_Start_Time={startTime}\n", await response.BodyAsync());
    }

    [Fact]
    public async Task Without_X_Call_Id_each_call_gets_its_own_id_echoed_logged_and_given_to_the_function()
    {
        await using var watchdog = await WatchdogProcess.StartAsync("env");

        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await watchdog.Client.PostAsync("/", "");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var id = response.Header("X-Call-Id");
            Assert.False(string.IsNullOrWhiteSpace(id), "No X-Call-Id on the response.");
            Assert.Contains($"Http_X_Call_Id={id}\n", await response.BodyAsync());
            ids.Add(id!);
        }

        Assert.NotEqual(ids[0], ids[1]);
        foreach (var id in ids)
            await watchdog.WaitForLineAsync($"Forking fprocess. call_id={id}", Limits.Quick);
    }
}
