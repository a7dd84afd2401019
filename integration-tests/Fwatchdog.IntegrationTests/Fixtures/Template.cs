using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests.Fixtures;

/// <summary>
/// A classic template and how to build it here: registry base images are replaced by the local
/// stand-ins docker/base-images/build.sh makes, the watchdog image by fwatchdog:dev.
/// </summary>
public sealed record Template(string Name, IReadOnlyDictionary<string, string> BaseImages, string ExpectedReply)
{
    public static readonly IReadOnlyList<Template> All =
    [
        new("dockerfile", Bases(("BASE_IMAGE", "busybox")), "world"),
        new("bash", Bases(("BASE_IMAGE", "debian-slim")), "Hello from bash, you said: world\n"),
        new("csharp", Bases(("BASE_IMAGE", "debian-slim"), ("SDK_IMAGE", "dotnet-sdk")), "Hello from C#, you said: world"),
        new("python3", Bases(("BASE_IMAGE", "python3")), "Hello from Python, you said: world"),
        new("node", Bases(("BASE_IMAGE", "nodejs")), "Hello from Node.js, you said: world"),
        new("node-http-fwatchdog", Bases(("BASE_IMAGE", "nodejs")), "Hello from Node.js, you said: world"),
        new("python3-http-fwatchdog", Bases(("BASE_IMAGE", "python3")), "Hello from Python, you said: world"),
        new("csharp-http-fwatchdog", Bases(("BASE_IMAGE", "debian-slim"), ("SDK_IMAGE", "dotnet-sdk")), "Hello from C#, you said: world"),
    ];

    /// <summary>What every template's sample handler is sent; see <see cref="ExpectedReply"/>.</summary>
    public const string SampleRequest = "world";

    public static Template Named(string name) => All.Single(t => t.Name == name);

    public static IEnumerable<object[]> Names => All.Select(t => new object[] { t.Name });

    public static IEnumerable<object[]> HttpNames => All.Where(t => t.ServesHttp).Select(t => new object[] { t.Name });

    public string Folder => Path.Combine(Support.RepositoryPaths.Templates, Name);

    /// <summary>An http-mode template: its image sets mode=http, and the watchdog starts its server once.</summary>
    public bool ServesHttp
    {
        get
        {
            var dockerfile = Path.Combine(Folder, "Dockerfile");
            return File.Exists(dockerfile) && File.ReadLines(dockerfile).Any(line => line.Trim() == "ENV mode=\"http\"");
        }
    }

    public Dictionary<string, string> BuildArgs(string watchdogImage) =>
        new(BaseImages) { ["WATCHDOG_IMAGE"] = watchdogImage };

    /// <summary>
    /// Variables every container of the template starts with. Containers share the host's network,
    /// so an http-mode server gets a free loopback port instead of its image's fixed one (the
    /// template's server listens wherever upstream_url points).
    /// </summary>
    public Dictionary<string, string> ContainerEnvironment() =>
        ServesHttp ? new() { ["upstream_url"] = $"http://127.0.0.1:{FreePort.Next()}" } : new();

    private static Dictionary<string, string> Bases(params (string Arg, string LocalImage)[] images) =>
        images.ToDictionary(i => i.Arg, i => $"fwatchdog-local/{i.LocalImage}:latest");
}
