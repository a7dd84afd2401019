using System.Net;
using Fwatchdog.IntegrationTests.Docker;
using Fwatchdog.IntegrationTests.Fixtures;

namespace Fwatchdog.IntegrationTests;

/// <summary>
/// The http-mode templates: the watchdog starts the template's server once and forwards every
/// request on its port to it (TemplateTests covers what every template shares).
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class HttpTemplateTests(DockerEnvironment environment)
{
    private const string EmptyBodyReply = "Send some text in the request body.\n";

    /// <summary>The end of a greeting starter's reply to <see cref="Template.SampleRequest"/>.</summary>
    private const string Greeting = "you said: " + Template.SampleRequest;

    /// <summary>
    /// The http templates whose starter greets and refuses an empty body with 400; node-http's
    /// starter is node20's, which echoes the request as JSON (NodeHttpStarterTests).
    /// </summary>
    public static IEnumerable<object[]> GreetingNames =>
        Template.HttpNames.Where(n => !Equals(n[0], NodeHttpStarterTests.NodeHttp.Name));

    [Theory]
    [MemberData(nameof(Template.HttpNames), MemberType = typeof(Template))]
    public async Task Http_template_image_runs_mode_http_with_its_server_on_loopback(string name)
    {
        var image = await environment.Docker.Images.InspectImageAsync(await environment.TemplateImageAsync(Template.Named(name)));

        Assert.Contains("mode=http", image.Config.Env);
        var upstream = Assert.Single(image.Config.Env, variable => variable.StartsWith("upstream_url=", StringComparison.Ordinal));
        Assert.StartsWith("upstream_url=http://127.0.0.1:", upstream);
    }

    [Theory]
    [MemberData(nameof(GreetingNames))]
    public async Task Status_and_headers_the_handler_sets_reach_the_client_through_the_watchdog(string name)
    {
        await using var container = await environment.StartListeningAsync(Template.Named(name));

        using var greeting = await container.Http.PostAsync("", new StringContent(Template.SampleRequest));
        using var refusal = await container.Http.PostAsync("", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.OK, greeting.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", greeting.Content.Headers.ContentType?.ToString());
        Assert.EndsWith(Greeting, await greeting.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, refusal.StatusCode);
        Assert.Equal(EmptyBodyReply, await refusal.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Template.HttpNames), MemberType = typeof(Template))]
    public async Task The_server_is_started_once_and_serves_every_request(string name)
    {
        await using var container = await environment.StartListeningAsync(Template.Named(name));
        await container.WaitUntilHealthyAsync();
        var serverPid = await TheServerPidAsync(container);

        for (var i = 0; i < 5; i++)
        {
            using var response = await container.Http.PostAsync("", new StringContent(Template.SampleRequest));
            Assert.Contains(Template.SampleRequest, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(serverPid, await TheServerPidAsync(container));
    }

    [Theory]
    [MemberData(nameof(Template.HttpNames), MemberType = typeof(Template))]
    public async Task Docker_stop_reaches_the_server_through_the_watchdog_which_stops_it_gracefully_and_exits_0(string name)
    {
        await using var container = await environment.StartListeningAsync(Template.Named(name), new Dictionary<string, string>
        {
            // After SIGTERM the watchdog keeps accepting for healthcheck_interval, then drains.
            ["healthcheck_interval"] = "1s",
        });
        await container.WaitUntilHealthyAsync();

        await container.StopAsync(grace: TimeSpan.FromSeconds(30));

        var state = (await container.InspectAsync()).State;
        Assert.False(state.Running);
        // Docker signals PID 1 only: the server (in its own process group) hears SIGTERM from the
        // watchdog, says so on stdout, which the watchdog logs, and exits 0.
        Assert.Contains($"{name}: SIGTERM, closing", container.Log.Text);
        Assert.Equal(0, state.ExitCode); // 137 would mean Docker had to SIGKILL the watchdog
    }

    /// <summary>The one process besides the watchdog (PID 1): the server, its child.</summary>
    private static async Task<int> TheServerPidAsync(RunningContainer container)
    {
        var processes = await container.ProcessesAsync();
        var watchdog = Assert.Single(processes, p => p.Command == "fwatchdog");
        var server = Assert.Single(processes, p => p.Pid != watchdog.Pid);
        Assert.Equal(watchdog.Pid, server.ParentPid);
        Assert.False(server.IsZombie);
        return server.Pid;
    }
}
