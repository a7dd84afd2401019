using Fwatchdog.IntegrationTests.FaasCli;
using Fwatchdog.IntegrationTests.Fixtures;
using Fwatchdog.IntegrationTests.Support;
using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests;

/// <summary>
/// Each repository template through <c>template pull</c>, <c>new</c> and <c>build</c>'s context step,
/// with no engine: <c>docker build .</c>, which faas-cli runs in the context, needs the Dockerfile
/// at the context's root, and the Dockerfile there must be the one the user edits when the
/// template says the handler carries it. TemplateTests then builds and runs each image.
/// </summary>
public sealed class TemplateBuildContextTests : IDisposable
{
    private readonly TempDirectory _folder = new("faas-cli-context");
    private readonly FaasCliProject _project;

    public TemplateBuildContextTests()
    {
        _project = new FaasCliProject(_folder.Path);
        _project.PullTemplates(RepositoryPaths.Root);
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    [MemberData(nameof(Template.Names), MemberType = typeof(Template))]
    public void New_then_build_puts_a_Dockerfile_at_the_context_root(string name)
    {
        var handler = _project.New("fn", name);

        var context = _project.CreateBuildContext("fn", handler, name);

        Assert.True(File.Exists(Path.Combine(context, "Dockerfile")),
            $"build/fn has no Dockerfile, so `faas-cli build` stops (\"unable to evaluate symlinks in Dockerfile path\"); it holds: " +
            string.Join(", ", Directory.EnumerateFileSystemEntries(context).Select(Path.GetFileName)));
    }

    [Theory]
    [MemberData(nameof(Template.DockerfileLanguageNames), MemberType = typeof(Template))]
    public void The_Dockerfile_the_user_edits_in_the_handler_folder_is_the_one_built(string name)
    {
        _project.PullTemplates(RepositoryPaths.OpenFaasTemplates); // lang: dockerfile needs OpenFaaS's template
        var handler = _project.New("fn", name);
        var edited = Path.Combine(handler, "Dockerfile");
        Assert.True(File.Exists(edited), $"`faas-cli new` gave the handler folder no Dockerfile to edit: {string.Join(", ", Directory.EnumerateFileSystemEntries(handler).Select(Path.GetFileName))}");
        File.AppendAllText(edited, "# edited by the user\n");

        foreach (var language in new[] { name, FaasCliProject.DockerfileLanguage })
        {
            var context = _project.CreateBuildContext("fn", handler, language);
            Assert.Equal(File.ReadAllText(edited), File.ReadAllText(Path.Combine(context, "Dockerfile")));
        }
    }
}
