using System.Net;
using Fwatchdog.IntegrationTests.Docker;
using Fwatchdog.IntegrationTests.Fixtures;
using Fwatchdog.IntegrationTests.Support;
using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests;

/// <summary>Each template, made by faas-cli new and built as faas-cli build does, serves its sample handler.</summary>
[Collection(DockerCollection.Name)]
public sealed class TemplateTests(DockerEnvironment environment)
{
    [Theory]
    [MemberData(nameof(Template.Names), MemberType = typeof(Template))]
    public async Task Template_answers_a_request_through_its_handler(string name)
    {
        var template = Template.Named(name);
        await using var container = await environment.StartListeningAsync(template);

        using var response = await container.Http.PostAsync("", new StringContent(Template.SampleRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Template.SampleRequest, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Template.Names), MemberType = typeof(Template))]
    public async Task Template_reports_health_and_its_docker_healthcheck_turns_healthy(string name)
    {
        await using var container = await environment.StartListeningAsync(Template.Named(name));

        var health = await container.WaitUntilHealthyAsync();
        Assert.Equal("OK", health.Body);

        // The HEALTHCHECK runs every 3s; the first result decides between healthy and unhealthy.
        var state = await Eventually.HoldsAsync(
            async () => (await container.InspectAsync()).State,
            s => s.Health?.Status is "healthy" or "unhealthy",
            TimeSpan.FromSeconds(30),
            s => $"health {s.Health?.Status ?? "(none: the image has no HEALTHCHECK)"}",
            RunningContainer.PollInterval);
        Assert.Equal("healthy", state.Health.Status);
        Assert.Equal(0, state.Health.Log.Last().ExitCode);
    }

    [Theory]
    [MemberData(nameof(Template.Names), MemberType = typeof(Template))]
    public async Task Template_image_runs_unprivileged_with_the_fprocess_template_yml_declares(string name)
    {
        var template = Template.Named(name);
        var image = await environment.Docker.Images.InspectImageAsync(await environment.TemplateImageAsync(template));

        Assert.False(string.IsNullOrEmpty(image.Config.User), "the image runs as root");
        Assert.NotEqual("0", image.Config.User.Split(':')[0]);
        Assert.NotEqual("root", image.Config.User.Split(':')[0]);
        Assert.Contains($"fprocess={TemplateYml.Fprocess(template.Folder)}", image.Config.Env);
        Assert.Equal(["CMD", "/usr/bin/fwatchdog", "--run-healthcheck"], image.Config.Healthcheck.Test);
        Assert.Equal(["/usr/bin/fwatchdog"], image.Config.Cmd);
    }
}
