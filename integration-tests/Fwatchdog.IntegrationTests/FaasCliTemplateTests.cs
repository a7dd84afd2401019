using System.Net;
using Fwatchdog.IntegrationTests.FaasCli;
using Fwatchdog.IntegrationTests.Fixtures;
using Fwatchdog.IntegrationTests.Support;
using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests;

/// <summary>
/// The repository as a faas-cli template source: <c>faas-cli template pull</c> finds every template,
/// none shadows an OpenFaaS store template, <c>faas-cli new</c> and <c>faas-cli build</c> make a
/// function that builds in the Docker engine and answers, and handlers written for OpenFaaS's
/// classic templates run unchanged in ours. TemplateTests covers each template's image further.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class FaasCliTemplateTests(DockerEnvironment environment)
{
    [Fact]
    public void Template_pull_reads_the_root_template_folder_which_is_classic_templates()
    {
        using var project = new TempDirectory("faas-cli-pull");

        var fetched = new FaasCliProject(project.Path).PullTemplates(RepositoryPaths.Root);

        Assert.Equal(Template.All.Select(t => t.Name), fetched);
        Assert.Equal(Path.Combine("classic-templates", "template"), new DirectoryInfo(Path.Combine(RepositoryPaths.Root, "template")).LinkTarget);
    }

    [Theory]
    [MemberData(nameof(Template.Names), MemberType = typeof(Template))]
    public void Template_name_cannot_collide_with_an_openfaas_store_template(string name)
    {
        Assert.EndsWith(Template.NameSuffix, name, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Template.Names), MemberType = typeof(Template))]
    public void Build_options_are_declared_exactly_when_the_dockerfile_takes_ADDITIONAL_PACKAGE(string name)
    {
        var template = Template.Named(name);
        var handler = environment.FaasCli.New($"{name}-options", template.Name);
        var context = environment.FaasCli.CreateBuildContext($"{name}-options", handler, template.Name);

        var takesPackages = File.ReadLines(Path.Combine(context, "Dockerfile")).Any(l => l.StartsWith("ARG ADDITIONAL_PACKAGE", StringComparison.Ordinal));
        Assert.True(takesPackages == TemplateYml.HasBuildOptions(template.Folder),
            takesPackages ? "the Dockerfile takes ADDITIONAL_PACKAGE but template.yml declares no build_options"
                : "template.yml declares build_options, which faas-cli passes as ADDITIONAL_PACKAGE, but the Dockerfile ignores it");
    }

    [Theory]
    [MemberData(nameof(Template.DockerfileLanguageNames), MemberType = typeof(Template))]
    public async Task Dockerfile_language_builds_the_handler_folder_alone_and_answers(string name)
    {
        environment.FaasCli.PullTemplates(RepositoryPaths.OpenFaasTemplates); // faas-cli builds lang: dockerfile only with OpenFaaS's template present
        var image = await environment.BuildFunctionAsync($"{name}-as-dockerfile", Template.Named(name), FaasCliProject.DockerfileLanguage);
        await using var container = await environment.StartListeningAsync(image);

        using var response = await container.Http.PostAsync("", new StringContent(Template.SampleRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Template.SampleRequest, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("node", "{\"status\":\"done\",\"input\":\"world\"}\n")] // (context, callback) => callback(undefined, {...})
    [InlineData("csharp", "Hi there - your input was: world\n")] // Function.FunctionHandler.Handle in a netstandard2.0 project
    public async Task OpenFaaS_classic_handler_runs_unchanged_in_our_template(string language, string expectedReply)
    {
        var template = Template.Named(language + Template.NameSuffix);
        var image = await environment.BuildFunctionAsync($"openfaas-{language}", template, template.Name,
            handler => OpenFaasHandlers.ReplaceStarter(handler, language));
        await using var container = await environment.StartListeningAsync(image);

        using var response = await container.Http.PostAsync("", new StringContent(Template.SampleRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedReply, await response.Content.ReadAsStringAsync());
    }
}
