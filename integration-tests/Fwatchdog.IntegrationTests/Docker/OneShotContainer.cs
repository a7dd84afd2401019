using Docker.DotNet;
using Docker.DotNet.Models;

namespace Fwatchdog.IntegrationTests.Docker;

/// <summary>Runs an image's entrypoint with arguments to completion: exit code and stdout.</summary>
public static class OneShotContainer
{
    public static async Task<(long ExitCode, string Stdout)> RunAsync(DockerClient docker, string image, params string[] arguments)
    {
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Cmd = arguments,
            Labels = new Dictionary<string, string> { [ImageBuilder.Label] = ImageBuilder.Owner },
            HostConfig = new HostConfig { NetworkMode = "host" },
        });
        try
        {
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var exit = await docker.Containers.WaitContainerAsync(created.ID, deadline.Token);
            using var logs = await docker.Containers.GetContainerLogsAsync(created.ID, tty: false,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = false }, deadline.Token);
            var (stdout, _) = await logs.ReadOutputToEndAsync(deadline.Token);
            return (exit.StatusCode, stdout);
        }
        finally
        {
            await docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        }
    }
}
