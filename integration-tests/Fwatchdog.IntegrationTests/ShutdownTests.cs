using System.Net;
using Fwatchdog.IntegrationTests.Fixtures;

namespace Fwatchdog.IntegrationTests;

/// <summary>`docker stop` (SIGTERM to the watchdog as PID 1) lets a request in flight finish.</summary>
[Collection(DockerCollection.Name)]
public sealed class ShutdownTests(DockerEnvironment environment)
{
    [Fact]
    public async Task Docker_stop_drains_the_request_in_flight_before_the_container_exits()
    {
        await using var container = await environment.StartListeningAsync(Template.Dockerfile, new Dictionary<string, string>
        {
            // The function runs until the watchdog has begun to shut down (it removes its lock file
            // on SIGTERM), so the request is surely in flight when the signal comes, however slow the
            // machine; should the lock file stay for 20 s, it fails instead of answering.
            ["fprocess"] = "sh -c \"i=0; while [ -e /tmp/.lock ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; " +
                           "[ ! -e /tmp/.lock ] && echo drained\"",
            // After SIGTERM the watchdog keeps accepting for healthcheck_interval, then drains.
            ["healthcheck_interval"] = "1s",
            ["read_timeout"] = "20s",
            ["write_timeout"] = "20s",
        });

        var request = container.Http.PostAsync("", new StringContent("x"));
        await container.Log.WaitForAsync("Forking fprocess.", TimeSpan.FromSeconds(10));
        var stop = container.StopAsync(grace: TimeSpan.FromSeconds(30));

        using var response = await request;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("drained\n", await response.Content.ReadAsStringAsync());

        await stop;
        var state = (await container.InspectAsync()).State;
        Assert.False(state.Running);
        Assert.Equal(0, state.ExitCode); // 137 would mean Docker had to SIGKILL it
        Assert.Contains("SIGTERM", container.Log.Text);
    }
}
