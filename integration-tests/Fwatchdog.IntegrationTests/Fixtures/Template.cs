using System.Text.RegularExpressions;
using Fwatchdog.IntegrationTests.FaasCli;
using Fwatchdog.IntegrationTests.Support;
using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests.Fixtures;

/// <summary>
/// A template in the repository's <c>template/</c> folder (what <c>faas-cli template pull</c> reads),
/// found by listing it, so a template added there is tested without touching this file. Its
/// image is built here as faas-cli builds it (see FaasCliProject), with the registry images its
/// Dockerfile starts FROM replaced by the local stand-ins docker/base-images/build.sh makes.
/// </summary>
public sealed record Template(string Name)
{
    /// <summary>Registry images the templates name, and the local stand-in for each.</summary>
    private static readonly IReadOnlyDictionary<string, string> LocalStandIns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["busybox:stable"] = "fwatchdog-local/busybox:latest",
        ["debian:bookworm-slim"] = "fwatchdog-local/debian-slim:latest",
        ["python:3-slim"] = "fwatchdog-local/python3:latest",
        ["node:20-slim"] = "fwatchdog-local/nodejs:latest",
        ["mcr.microsoft.com/dotnet/sdk:10.0"] = "fwatchdog-local/dotnet-sdk:latest",
    };

    private static readonly Regex ImageArgument = new(@"^ARG\s+(?<name>[A-Z_]*_IMAGE)=(?<image>\S+)\s*$", RegexOptions.Multiline);

    /// <summary>The suffix that keeps our names apart from OpenFaaS's store templates (python3, node, ...).</summary>
    public const string NameSuffix = "-fwatchdog";

    /// <summary>What every template's sample handler is sent; its reply must contain it.</summary>
    public const string SampleRequest = "world";

    public static IReadOnlyList<Template> All { get; } = Directory.EnumerateDirectories(RepositoryPaths.Templates)
        .Select(folder => new Template(Path.GetFileName(folder)))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToList();

    public static Template Named(string name) => All.SingleOrDefault(t => t.Name == name)
        ?? throw new InvalidOperationException($"No template {name} in {RepositoryPaths.Templates}.");

    /// <summary>The plain-Dockerfile template most container tests run their own fprocess in.</summary>
    public static Template Dockerfile => Named("dockerfile" + NameSuffix);

    public static IEnumerable<object[]> Names => All.Select(t => new object[] { t.Name });

    /// <summary>Templates whose handler folder carries its Dockerfile (template.yml <c>language: dockerfile</c>).</summary>
    public static IEnumerable<object[]> DockerfileLanguageNames =>
        All.Where(t => t.Language == FaasCliProject.DockerfileLanguage).Select(t => new object[] { t.Name });

    public static IEnumerable<object[]> HttpNames => All.Where(t => t.ServesHttp).Select(t => new object[] { t.Name });

    public string Folder => Path.Combine(RepositoryPaths.Templates, Name);

    /// <summary>template.yml's language: <c>dockerfile</c> for a template whose handler carries its Dockerfile.</summary>
    public string Language => TemplateYml.Language(Folder);

    /// <summary>An http-mode template: its image sets mode=http, and the watchdog starts its server once.</summary>
    public bool ServesHttp
    {
        get
        {
            var dockerfile = Path.Combine(Folder, "Dockerfile");
            return File.Exists(dockerfile) && File.ReadLines(dockerfile).Any(line => line.Trim() == "ENV mode=\"http\"");
        }
    }

    /// <summary>
    /// Variables every container of the template starts with. Containers share the host's network,
    /// so an http-mode server gets a free loopback port instead of its image's fixed one (the
    /// template's server listens wherever upstream_url points).
    /// </summary>
    public Dictionary<string, string> ContainerEnvironment() =>
        ServesHttp ? new() { ["upstream_url"] = $"http://127.0.0.1:{FreePort.Next()}" } : new();

    /// <summary>
    /// Build arguments for a build context: WATCHDOG_IMAGE, and each <c>ARG *_IMAGE=&lt;registry image&gt;</c>
    /// of its Dockerfile pointed at the local stand-in.
    /// </summary>
    public static Dictionary<string, string> BuildArgs(string buildContext, string watchdogImage)
    {
        var dockerfile = File.ReadAllText(Path.Combine(buildContext, "Dockerfile"));
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in ImageArgument.Matches(dockerfile))
        {
            var (name, image) = (match.Groups["name"].Value, match.Groups["image"].Value);
            if (name == "WATCHDOG_IMAGE")
                continue;
            arguments[name] = LocalStandIns.TryGetValue(image, out var local) ? local
                : throw new InvalidOperationException($"{buildContext}/Dockerfile starts from {image}, which has no local stand-in: " +
                    "make one in docker/base-images/build.sh and map it in Template.LocalStandIns, or use an image that has one.");
        }
        arguments["WATCHDOG_IMAGE"] = watchdogImage;
        return arguments;
    }
}
