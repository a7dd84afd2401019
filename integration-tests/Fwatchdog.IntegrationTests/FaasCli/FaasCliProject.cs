using Fwatchdog.IntegrationTests.Support;

namespace Fwatchdog.IntegrationTests.FaasCli;

/// <summary>
/// A folder as faas-cli sees it, and what faas-cli does in it, reproduced from its source
/// (openfaas/faas-cli: commands/fetch_templates.go, commands/new_function.go, builder/build.go,
/// builder/copy.go) because the faas-cli binary cannot be installed here:
/// <list type="bullet">
/// <item><c>template pull &lt;repo&gt;</c> copies each folder of <c>&lt;repo&gt;/template/</c> (a symlink is followed)
/// to <c>./template/&lt;name&gt;/</c> and keeps a folder that already exists;</item>
/// <item><c>new &lt;fn&gt; --lang &lt;lang&gt;</c> needs <c>./template/&lt;lang&gt;/template.yml</c> and copies the
/// template's <c>function/</c> to <c>./&lt;fn&gt;/</c>;</item>
/// <item><c>build</c> makes <c>./build/&lt;fn&gt;/</c>: for <c>lang: dockerfile</c> the handler folder alone,
/// otherwise the whole template with the handler copied into its <c>handler_folder</c>
/// (template.yml; <c>function</c> when unset, <c>.</c> for the root), skipping handler entries named
/// <c>build</c> and <c>template</c>; then <c>docker build .</c> there.</item>
/// </list>
/// Files are copied by content with their mode, as faas-cli's CopyFiles does (symlinks followed).
/// </summary>
public sealed class FaasCliProject(string directory)
{
    /// <summary>The language faas-cli builds from the handler folder alone.</summary>
    public const string DockerfileLanguage = "dockerfile";

    private const string DefaultHandlerFolder = "function";

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
            CopyTree(template, destination);
            fetched.Add(Path.GetFileName(template));
        }
        return fetched;
    }

    /// <summary><c>faas-cli new &lt;function&gt; --lang &lt;language&gt;</c>; returns the handler folder.</summary>
    public string New(string function, string language)
    {
        var template = Path.Combine(TemplatesDirectory, language);
        if (!File.Exists(Path.Combine(template, "template.yml")))
            throw new InvalidOperationException($"{language} is unavailable or not supported: {template}/template.yml is missing");
        var handler = Path.Combine(Directory, function);
        if (System.IO.Directory.Exists(handler))
            throw new InvalidOperationException($"folder: {function} already exists");
        System.IO.Directory.CreateDirectory(handler);
        var starter = Path.Combine(template, "function");
        if (System.IO.Directory.Exists(starter))
            CopyTree(starter, handler);
        return handler;
    }

    /// <summary>The build context <c>faas-cli build</c> makes for one function; returns <c>build/&lt;function&gt;</c>.</summary>
    public string CreateBuildContext(string function, string handler, string language)
    {
        var context = Path.Combine(Directory, "build", function);
        if (System.IO.Directory.Exists(context))
            System.IO.Directory.Delete(context, recursive: true);
        var handlerTarget = context;
        if (!string.Equals(language, DockerfileLanguage, StringComparison.OrdinalIgnoreCase))
        {
            var template = Path.Combine(TemplatesDirectory, language);
            var handlerFolder = TemplateYml.Optional(template, "handler_folder") ?? DefaultHandlerFolder;
            handlerTarget = Path.GetFullPath(Path.Combine(context, handlerFolder));
            CopyTree(template, context);
        }
        System.IO.Directory.CreateDirectory(handlerTarget);
        foreach (var entry in new DirectoryInfo(handler).EnumerateFileSystemInfos())
        {
            if (entry.Name is "build" or "template")
                continue;
            Copy(entry.FullName, Path.Combine(handlerTarget, entry.Name));
        }
        return context;
    }

    private static void CopyTree(string source, string destination)
    {
        System.IO.Directory.CreateDirectory(destination);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
            Copy(entry.FullName, Path.Combine(destination, entry.Name));
    }

    private static void Copy(string source, string destination)
    {
        if (System.IO.Directory.Exists(source)) // follows a symlink, as os.Stat does
        {
            CopyTree(source, destination);
            return;
        }
        File.Copy(source, destination, overwrite: true);
        File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
    }
}
