using System.Security.Cryptography;
using System.Text;
using Fwatchdog.IntegrationTests.Docker;
using Fwatchdog.IntegrationTests.Fixtures;
using Fwatchdog.IntegrationTests.Support;
using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests;

/// <summary>
/// docker/Dockerfile both ways: fwatchdog:dev as docker/build-image.sh makes it from the
/// published binary, and the default multi-stage build from source in the SDK image. Either is
/// one layer holding /fwatchdog and nothing else.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class WatchdogImageTests(DockerEnvironment environment)
{
    [Fact]
    public async Task Dev_image_is_one_layer_holding_only_the_published_binary()
    {
        var binary = AssertOnlyTheBinary(await SavedImage.ReadAsync(environment.Docker, DockerEnvironment.WatchdogImage));

        Assert.Equal(Sha256(await File.ReadAllBytesAsync(WatchdogBinary.Path)), Sha256(binary.Content));
    }

    [Fact]
    public async Task Dev_image_binary_runs_alone_and_prints_its_version()
    {
        var (exitCode, stdout) = await OneShotContainer.RunAsync(environment.Docker, DockerEnvironment.WatchdogImage, "--version");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("Version: ", stdout);
    }

    [Fact]
    public async Task Dev_image_is_labelled_with_the_version_and_commit_of_this_checkout()
    {
        var labels = (await environment.Docker.Images.InspectImageAsync(DockerEnvironment.WatchdogImage)).Config.Labels;
        var (_, version) = await ToolProcess.RunAsync(Path.Combine(RepositoryPaths.Root, "scripts", "version.sh"), [], TimeSpan.FromSeconds(30));
        var (_, commit) = await ToolProcess.RunAsync("git", ["rev-parse", "HEAD"], TimeSpan.FromSeconds(30), workingDirectory: RepositoryPaths.Root);

        Assert.Equal(version.Trim(), labels["org.opencontainers.image.version"]);
        Assert.Equal(commit.Trim(), labels["org.opencontainers.image.revision"]);
        Assert.StartsWith("https://", labels["org.opencontainers.image.source"]);
    }

    [Fact]
    public async Task Default_build_compiles_the_watchdog_in_the_sdk_image()
    {
        // The API's classic builder also runs the `prebuilt` stage, which wants this file; a
        // placeholder shows the image's binary really came out of the SDK stage.
        var placeholder = Encoding.ASCII.GetBytes("placeholder, not a program\n");
        var image = await environment.BuildAsync("watchdog-from-source",
            () => BuildContext.Of(RepositoryPaths.Root, ["docker/Dockerfile", "Directory.Build.props", "watchdog/src"],
                new Dictionary<string, byte[]> { ["artifacts/linux-amd64/fwatchdog"] = placeholder }),
            "docker/Dockerfile",
            new Dictionary<string, string> { ["SDK_IMAGE"] = "fwatchdog-local/dotnet-sdk:latest" });

        var binary = AssertOnlyTheBinary(await SavedImage.ReadAsync(environment.Docker, image));
        Assert.NotEqual(placeholder, binary.Content);
        var (exitCode, stdout) = await OneShotContainer.RunAsync(environment.Docker, image, "--version");
        Assert.Equal(0, exitCode);
        Assert.StartsWith("Version: ", stdout);
    }

    private static SavedImage.Entry AssertOnlyTheBinary(SavedImage image)
    {
        var layer = Assert.Single(image.Layers);
        var entry = Assert.Single(layer);
        Assert.Equal("fwatchdog", entry.Name.TrimStart('.', '/'));
        Assert.True(entry.Mode.HasFlag(UnixFileMode.OtherExecute), "/fwatchdog is not executable");
        Assert.Equal(["/fwatchdog"], image.Config.RootElement.GetProperty("config").GetProperty("Entrypoint")
            .EnumerateArray().Select(e => e.GetString()));
        return entry;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
