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
    ];

    /// <summary>What every template's sample handler is sent; see <see cref="ExpectedReply"/>.</summary>
    public const string SampleRequest = "world";

    public static Template Named(string name) => All.Single(t => t.Name == name);

    public static IEnumerable<object[]> Names => All.Select(t => new object[] { t.Name });

    public string Folder => Path.Combine(Support.RepositoryPaths.Templates, Name);

    public Dictionary<string, string> BuildArgs(string watchdogImage) =>
        new(BaseImages) { ["WATCHDOG_IMAGE"] = watchdogImage };

    private static Dictionary<string, string> Bases(params (string Arg, string LocalImage)[] images) =>
        images.ToDictionary(i => i.Arg, i => $"fwatchdog-local/{i.LocalImage}:latest");
}
