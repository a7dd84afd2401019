using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests.FaasCli;

/// <summary>
/// Each rule of the faas-cli emulation against a folder laid out as faas-cli lays it out
/// (./template/&lt;lang&gt;/ as <c>template pull</c> leaves it): <c>new</c> and <c>build</c> for
/// <c>handler_folder</c> unset, <c>.</c> and a named folder, and <c>lang: dockerfile</c>. No engine needed.
/// </summary>
public sealed class FaasCliProjectTests : IDisposable
{
    private readonly TempDirectory _folder = new("faas-cli-rules");
    private readonly FaasCliProject _project;

    public FaasCliProjectTests() => _project = new FaasCliProject(_folder.Path);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void New_without_handler_folder_copies_the_templates_function_folder()
    {
        Template("plain", "language: plain\n", ("Dockerfile", "FROM plain"), ("function/handler.sh", "echo hi"));

        var handler = _project.New("fn", "plain");

        Assert.Equal(["handler.sh"], Listing(handler));
    }

    [Fact]
    public void New_with_handler_folder_dot_copies_the_whole_template_template_yml_included()
    {
        Template("root", "language: dockerfile\nhandler_folder: .\n", ("Dockerfile", "FROM root"), ("function/unused", ""));

        var handler = _project.New("fn", "root");

        Assert.Equal(["Dockerfile", "function/unused", "template.yml"], Listing(handler));
    }

    [Fact]
    public void New_with_a_named_handler_folder_copies_that_folder_not_function()
    {
        Template("named", "language: named\nhandler_folder: src\n", ("Dockerfile", "FROM named"), ("src/main.py", "x"), ("function/decoy", ""));

        var handler = _project.New("fn", "named");

        Assert.Equal(["main.py"], Listing(handler));
    }

    [Fact]
    public void New_refuses_a_template_without_the_handler_folder_it_names()
    {
        Template("empty", "language: empty\nhandler_folder: src\n", ("Dockerfile", "FROM empty"));

        var error = Assert.Throws<InvalidOperationException>(() => _project.New("fn", "empty"));

        Assert.Contains("error copying template handler", error.Message);
    }

    [Fact]
    public void Build_without_handler_folder_overlays_the_handler_on_function_in_a_copy_of_the_template()
    {
        Template("plain", "language: plain\n", ("Dockerfile", "FROM plain"), ("function/handler.sh", "starter"), ("function/keep", ""));
        var handler = Handler("fn", ("handler.sh", "mine"));

        var context = _project.CreateBuildContext("fn", handler, "plain");

        Assert.Equal(["Dockerfile", "function/handler.sh", "function/keep", "template.yml"], Listing(context));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(context, "function", "handler.sh")));
    }

    [Fact]
    public void Build_with_handler_folder_dot_overlays_the_handler_on_the_context_root()
    {
        Template("root", "language: dockerfile\nhandler_folder: .\n", ("Dockerfile", "FROM template"));
        var handler = Handler("fn", ("Dockerfile", "FROM mine"), ("app.sh", ""));

        var context = _project.CreateBuildContext("fn", handler, "root");

        Assert.Equal(["Dockerfile", "app.sh", "template.yml"], Listing(context));
        Assert.Equal("FROM mine", File.ReadAllText(Path.Combine(context, "Dockerfile")));
    }

    [Fact]
    public void Build_with_a_named_handler_folder_overlays_the_handler_there()
    {
        Template("named", "language: named\nhandler_folder: src\n", ("Dockerfile", "FROM named"), ("src/main.py", "starter"));
        var handler = Handler("fn", ("main.py", "mine"));

        var context = _project.CreateBuildContext("fn", handler, "named");

        Assert.Equal(["Dockerfile", "src/main.py", "template.yml"], Listing(context));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(context, "src", "main.py")));
    }

    [Fact]
    public void Build_of_lang_dockerfile_is_the_handler_folder_alone()
    {
        Template(FaasCliProject.DockerfileLanguage, "language: dockerfile\n", ("function/Dockerfile", "FROM openfaas"));
        var handler = Handler("fn", ("Dockerfile", "FROM mine"), ("app.sh", ""));

        var context = _project.CreateBuildContext("fn", handler, FaasCliProject.DockerfileLanguage);

        Assert.Equal(["Dockerfile", "app.sh"], Listing(context));
        Assert.Equal("FROM mine", File.ReadAllText(Path.Combine(context, "Dockerfile")));
    }

    [Fact]
    public void Build_of_lang_dockerfile_needs_openfaas_dockerfile_template_pulled()
    {
        var handler = Handler("fn", ("Dockerfile", "FROM mine"));

        var error = Assert.Throws<InvalidOperationException>(() => _project.CreateBuildContext("fn", handler, FaasCliProject.DockerfileLanguage));

        Assert.Contains("\"dockerfile\" was not found", error.Message);
    }

    [Fact]
    public void Build_skips_the_handlers_build_and_template_entries()
    {
        Template("plain", "language: plain\n", ("Dockerfile", "FROM plain"), ("function/handler.sh", ""));
        var handler = Handler("fn", ("handler.sh", ""), ("build/stale", ""), ("template/other", ""));

        var context = _project.CreateBuildContext("fn", handler, "plain");

        Assert.Equal(["Dockerfile", "function/handler.sh", "template.yml"], Listing(context));
    }

    private void Template(string name, string templateYml, params (string Path, string Content)[] files)
    {
        var folder = Path.Combine(_project.TemplatesDirectory, name);
        Write(folder, ("template.yml", templateYml));
        Write(folder, files);
    }

    private string Handler(string name, params (string Path, string Content)[] files)
    {
        var folder = Path.Combine(_project.Directory, name);
        Write(folder, files);
        return folder;
    }

    private static void Write(string folder, params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            var file = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, content);
        }
    }

    /// <summary>Every file under the folder, relative and with '/', in ordinal order.</summary>
    private static string[] Listing(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();
}
