using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests.Docker;

/// <summary>
/// One container on the host's network, its watchdog on a free loopback port (and a free metrics
/// port, so containers never collide on 8081). Disposing removes it, whatever state it is in.
/// </summary>
public sealed class RunningContainer : IAsyncDisposable
{
    private readonly DockerClient _docker;

    private RunningContainer(DockerClient docker, string id, int port, ContainerLog log)
    {
        _docker = docker;
        Id = id;
        Port = port;
        Log = log;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(5) };
    }

    /// <summary>How often tests ask the engine for state it has no event for (health, process table).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public string Id { get; }
    public int Port { get; }
    public ContainerLog Log { get; }
    public HttpClient Http { get; }

    public static async Task<RunningContainer> StartAsync(DockerClient docker, string image,
        IReadOnlyDictionary<string, string>? environment = null, long? memoryLimitBytes = null)
    {
        var port = FreePort.Next();
        var variables = new Dictionary<string, string> { ["port"] = $"{port}", ["metrics_port"] = $"{FreePort.Next()}" };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) variables[name] = value;

        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"fwatchdog-it-{Guid.NewGuid():N}"[..24],
            Image = image,
            Env = variables.Select(v => $"{v.Key}={v.Value}").ToList(),
            Labels = new Dictionary<string, string> { [ImageBuilder.Label] = ImageBuilder.Owner },
            HostConfig = new HostConfig
            {
                NetworkMode = "host",
                // Swap equal to memory: the limit is a hard one, nothing can be paged out instead.
                Memory = memoryLimitBytes ?? 0,
                MemorySwap = memoryLimitBytes ?? 0,
            },
        });
        try
        {
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            var log = await ContainerLog.FollowAsync(docker, created.ID);
            return new RunningContainer(docker, created.ID, port, log);
        }
        catch
        {
            await docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
            throw;
        }
    }

    /// <summary>The watchdog's readiness signal (docs/contract.md): both listeners are bound.</summary>
    public Task WaitUntilListeningAsync() =>
        Log.WaitForAsync($"Listening on port: {Port}", TimeSpan.FromSeconds(30));

    /// <summary>GET of a path on the watchdog's port: the status and the body as text.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetTextAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Waits until /_/health answers 200: at once in the fork modes, in mode=http once the
    /// function's server accepts connections.
    /// </summary>
    public Task<(HttpStatusCode Status, string Body)> WaitUntilHealthyAsync() =>
        Eventually.HoldsAsync(() => GetTextAsync("_/health"), health => health.Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), health => $"/_/health answers {(int)health.Status}: {health.Body}", PollInterval);

    public Task<ContainerInspectResponse> InspectAsync() => _docker.Containers.InspectContainerAsync(Id);

    public async Task<IReadOnlyList<ContainerProcess>> ProcessesAsync()
    {
        var top = await _docker.Containers.ListProcessesAsync(Id,
            new ContainerListProcessesParameters { PsArgs = "-o pid,ppid,stat,comm" });
        return top.Processes.Select(row => new ContainerProcess(int.Parse(row[0]), int.Parse(row[1]), row[2], row[3])).ToList();
    }

    public Task StopAsync(TimeSpan grace) =>
        _docker.Containers.StopContainerAsync(Id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)grace.TotalSeconds });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try { await _docker.Containers.RemoveContainerAsync(Id, new ContainerRemoveParameters { Force = true }); }
        catch (DockerContainerNotFoundException) { }
        await Log.DisposeAsync();
    }
}

/// <summary>A row of `ps -o pid,ppid,stat,comm` for the container; pids are the host's.</summary>
public sealed record ContainerProcess(int Pid, int ParentPid, string State, string Command)
{
    public bool IsZombie => State.StartsWith('Z');
}
