using Docker.DotNet;

namespace Fwatchdog.IntegrationTests.Docker;

/// <summary>Connects to the local engine, failing loudly (never skipping) when it cannot be reached.</summary>
public static class DockerEngine
{
    public const string SocketUri = "unix:///var/run/docker.sock";

    public static async Task<DockerClient> ConnectAsync()
    {
        // Long enough for the slowest call, an image build compiling Native AOT (each build also has
        // its own deadline); the library's default of 100 s is not.
        var client = new DockerClientConfiguration(new Uri(SocketUri), defaultTimeout: TimeSpan.FromMinutes(10)).CreateClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.System.PingAsync(timeout.Token);
            return client;
        }
        catch (Exception error)
        {
            client.Dispose();
            throw new InvalidOperationException(
                $"No Docker engine answered at {SocketUri} ({error.GetType().Name}: {error.Message}). " +
                "These tests need one: run `bash scripts/prerequisites.sh` (installs docker.io and starts dockerd) as root.",
                error);
        }
    }
}
