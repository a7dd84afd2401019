using System.Security.Cryptography;
using System.Text.Json;
using Docker.DotNet.Models;
using Fwatchdog.IntegrationTests.Docker;
using Fwatchdog.IntegrationTests.Fixtures;
using Fwatchdog.IntegrationTests.Support;

namespace Fwatchdog.IntegrationTests;

/// <summary>fwatchdog:dev as docker/build-image.sh makes it: one layer holding /fwatchdog only.</summary>
[Collection(DockerCollection.Name)]
public sealed class WatchdogImageTests(DockerEnvironment environment)
{
    [Fact]
    public async Task Image_is_one_layer_holding_only_the_published_binary()
    {
        var saved = await SavedImage.ReadAsync(environment.Docker, DockerEnvironment.WatchdogImage);

        var layer = Assert.Single(saved.Layers);
        var entry = Assert.Single(layer);
        Assert.Equal("fwatchdog", entry.Name.TrimStart('.', '/'));
        Assert.True(entry.Mode.HasFlag(UnixFileMode.OtherExecute), "/fwatchdog is not executable");
        Assert.Equal(Sha256(await File.ReadAllBytesAsync(RepositoryPaths.WatchdogBinary)), Sha256(entry.Content));
        Assert.Equal(["/fwatchdog"], saved.Config.RootElement.GetProperty("config").GetProperty("Entrypoint")
            .EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Binary_runs_alone_in_the_image_and_prints_its_version()
    {
        var docker = environment.Docker;
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = DockerEnvironment.WatchdogImage,
            Cmd = ["--version"],
            Labels = new Dictionary<string, string> { [ImageBuilder.Label] = "true" },
            HostConfig = new HostConfig { NetworkMode = "host" },
        });
        try
        {
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var exit = await docker.Containers.WaitContainerAsync(created.ID, deadline.Token);
            using var logs = await docker.Containers.GetContainerLogsAsync(created.ID, tty: false,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, deadline.Token);
            var (stdout, _) = await logs.ReadOutputToEndAsync(deadline.Token);

            Assert.Equal(0, exit.StatusCode);
            Assert.StartsWith("Version: ", stdout);
        }
        finally
        {
            await docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
