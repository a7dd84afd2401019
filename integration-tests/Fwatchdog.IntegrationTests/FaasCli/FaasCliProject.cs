using Fwatchdog.IntegrationTests.Support;

namespace Fwatchdog.IntegrationTests.FaasCli;

/// <summary>
/// A folder as faas-cli sees it, and what faas-cli does in it, reproduced from its source because
/// tests cannot rely on a faas-cli binary being installed. Read at tags 0.16.38, 0.17.0 and 0.18.12
/// (openfaas/faas-cli: commands/fetch_templates.go, commands/new_function.go, builder/build.go,
/// builder/copy.go; from 0.18.0 the build context is go-sdk's builder.CreateBuildContext, vendored):
/// <list type="bullet">
/// <item><c>template pull &lt;repo&gt;</c> copies each folder of <c>&lt;repo&gt;/template/</c> (a symlink is followed)
/// to <c>./template/&lt;name&gt;/</c> and keeps a folder that already exists;</item>
/// <item><c>new &lt;fn&gt; --lang &lt;lang&gt;</c> needs <c>./template/&lt;lang&gt;/template.yml</c> and copies
/// <c>./template/&lt;lang&gt;/&lt;handler_folder&gt;</c> (<c>function</c> when unset) to <c>./&lt;fn&gt;/</c>: with
/// <c>handler_folder: .</c> that is the whole template, <c>template.yml</c> included;</item>
/// <item><c>build</c> needs <c>./template/&lt;lang&gt;/template.yml</c> (for <c>lang: dockerfile</c> too: OpenFaaS's
/// <c>dockerfile</c> template) and makes <c>./build/&lt;fn&gt;/</c>: for <c>lang: dockerfile</c> the handler
/// folder alone, otherwise the whole template with the handler overlaid on its
/// <c>handler_folder</c> (<c>function</c> when unset, <c>.</c> for the root), skipping handler entries
/// named <c>build</c> and <c>template</c>; then <c>docker build .</c> there, so the context's root
/// must hold the Dockerfile.</item>
/// </list>
/// Files are copied as faas-cli's CopyFiles does (<see cref="FaasCliCopy"/>).
/// </summary>
public sealed class FaasCliProject(string directory)
{
    /// <summary>The language faas-cli builds from the handler folder alone.</summary>
    public const string DockerfileLanguage = "dockerfile";

    /// <summary>Where <c>new</c> copies from and <c>build</c> overlays the handler when template.yml names no <c>handler_folder</c>.</summary>
    public const string DefaultHandlerFolder = "function";

    public string Directory { get; } = directory;

    public string TemplatesDirectory => Path.Combine(Directory, "template");

    /// <summary><c>faas-cli template pull</c> from a repository checkout; returns the names it fetched.</summary>
    public IReadOnlyList<string> PullTemplates(string repository)
    {
        var source = Path.Combine(repository, "template");
        if (!System.IO.Directory.Exists(source))
            throw new InvalidOperationException($"can't find templates in: {source} (faas-cli reads <repository>/template/)");
        var fetched = new List<string>();
        foreach (var template in System.IO.Directory.EnumerateDirectories(source).Order(StringComparer.Ordinal))
        {
            var destination = Path.Combine(TemplatesDirectory, Path.GetFileName(template));
            if (System.IO.Directory.Exists(destination))
                continue; // faas-cli: "Cannot overwrite the following template(s)" without --overwrite
            FaasCliCopy.Files(template, destination);
            fetched.Add(Path.GetFileName(template));
        }
        return fetched;
    }

    /// <summary><c>faas-cli new &lt;function&gt; --lang &lt;language&gt;</c>; returns the handler folder.</summary>
    public string New(string function, string language)
    {
        var template = TemplateFolder(language);
        var handler = Path.Combine(Directory, function);
        if (System.IO.Directory.Exists(handler))
            throw new InvalidOperationException($"folder: {function} already exists");
        System.IO.Directory.CreateDirectory(handler);
        var starter = Path.GetFullPath(Path.Combine(template, HandlerFolder(template)));
        // 0.18 stops here ("error copying template handler"); 0.17 ignored the error and left the folder empty.
        if (!Path.Exists(starter))
            throw new InvalidOperationException($"error copying template handler: stat {starter}: no such file or directory");
        FaasCliCopy.Files(starter, handler);
        return handler;
    }

    /// <summary>The build context <c>faas-cli build</c> makes for one function; returns <c>build/&lt;function&gt;</c>.</summary>
    public string CreateBuildContext(string function, string handler, string language)
    {
        var template = TemplateFolder(language);
        var context = Path.Combine(Directory, "build", function);
        if (System.IO.Directory.Exists(context))
            System.IO.Directory.Delete(context, recursive: true);
        var handlerTarget = context;
        if (language != DockerfileLanguage)
        {
            handlerTarget = Path.GetFullPath(Path.Combine(context, HandlerFolder(template)));
            FaasCliCopy.Files(template, context);
        }
        System.IO.Directory.CreateDirectory(handlerTarget);
        foreach (var entry in new DirectoryInfo(handler).EnumerateFileSystemInfos())
        {
            if (entry.Name is "build" or "template")
                continue;
            FaasCliCopy.Files(entry.FullName, Path.Combine(handlerTarget, entry.Name));
        }
        return context;
    }

    /// <summary><c>./template/&lt;language&gt;/</c>, which both <c>new</c> and <c>build</c> refuse to go without.</summary>
    private string TemplateFolder(string language)
    {
        var template = Path.Combine(TemplatesDirectory, language);
        if (!File.Exists(Path.Combine(template, "template.yml")))
            throw new InvalidOperationException($"template: \"{language}\" was not found in the templates folder ({template}/template.yml is missing)");
        return template;
    }

    private static string HandlerFolder(string template) =>
        TemplateYml.Optional(template, "handler_folder") is { Length: > 0 } folder ? folder : DefaultHandlerFolder;
}
