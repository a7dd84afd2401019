using System.Net;
using Fwatchdog.IntegrationTests.Docker;
using Fwatchdog.IntegrationTests.Fixtures;
using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests;

/// <summary>
/// The watchdog is PID 1 in a function container: it must leave no function process running
/// after a timeout and no zombie behind, since nothing else in the container would reap one.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ProcessTests(DockerEnvironment environment)
{
    [Fact]
    public async Task Exec_timeout_kills_the_function_and_everything_it_started()
    {
        await using var container = await environment.StartListeningAsync(Template.Dockerfile, new Dictionary<string, string>
        {
            // The background sleep is a grandchild: killing only the direct child would leave it.
            ["fprocess"] = "sh -c \"sleep 60 & sleep 60\"",
            ["exec_timeout"] = "1s",
        });

        using var response = await container.Http.PostAsync("", new StringContent("x"));

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.Contains("Killed process.", await response.Content.ReadAsStringAsync());
        var processes = await Eventually.HoldsAsync(container.ProcessesAsync, OnlyTheWatchdog, TimeSpan.FromSeconds(10), Describe,
            RunningContainer.PollInterval);
        Assert.Equal("fwatchdog", Assert.Single(processes).Command);
    }

    [Fact]
    public async Task Orphans_of_the_function_are_reaped_by_the_watchdog_as_pid_1()
    {
        await using var container = await environment.StartListeningAsync(Template.Dockerfile, new Dictionary<string, string>
        {
            // Each request leaves one orphan that outlives it, when only PID 1 can reap it. The
            // subshell exits at once, so its child is re-parented to PID 1; setsid takes the child
            // out of the function's process group (which the watchdog may kill when the function
            // exits), and the function waits on a FIFO until the child, already in its own session,
            // says so. Its stdio is redirected so that it does not hold the response open. The
            // orphans run until a request with the body "release" kills them (by their recorded
            // PIDs), so they are all still there to count however slow the machine, and end only
            // when the test says.
            ["fprocess"] = "sh -c \"if [ $(cat) = release ]; then kill $(cat /tmp/orphans); echo released; exit; fi; " +
                           "f=/tmp/detached.$$; mkfifo $f; " +
                           "(setsid sh -c 'echo $$ >> /tmp/orphans; echo > $0; exec sleep 60' $f </dev/null >/dev/null 2>&1 &); " +
                           "read x < $f; rm $f; echo started\"",
        });
        var root = FindRoot(await container.ProcessesAsync());
        Assert.Equal("fwatchdog", root.Command);

        const int requests = 5;
        for (var i = 0; i < requests; i++)
        {
            using var response = await container.Http.PostAsync("", new StringContent("x"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("started\n", await response.Content.ReadAsStringAsync());
        }
        var orphans = (await container.ProcessesAsync()).Where(p => p.Pid != root.Pid).ToList();
        Assert.Equal(requests, orphans.Count);
        Assert.All(orphans, orphan => Assert.Equal(root.Pid, orphan.ParentPid));

        using (var release = await container.Http.PostAsync("", new StringContent("release")))
            Assert.Equal("released\n", await release.Content.ReadAsStringAsync());
        // An orphan the watchdog failed to reap would stay a zombie for good.
        var processes = await Eventually.HoldsAsync(container.ProcessesAsync, OnlyTheWatchdog, TimeSpan.FromSeconds(10), Describe,
            RunningContainer.PollInterval);
        Assert.Equal(root.Pid, Assert.Single(processes).Pid);
    }

    private static bool OnlyTheWatchdog(IReadOnlyList<ContainerProcess> processes) =>
        processes.Count == 1 && processes[0].Command == "fwatchdog" && !processes[0].IsZombie;

    /// <summary>PID 1 of the container: the one process whose parent is outside it.</summary>
    private static ContainerProcess FindRoot(IReadOnlyList<ContainerProcess> processes) =>
        Assert.Single(processes, p => processes.All(other => other.Pid != p.ParentPid));

    private static string Describe(IReadOnlyList<ContainerProcess> processes) =>
        "processes in the container: " + string.Join(", ", processes.Select(p => $"{p.Pid} (parent {p.ParentPid}) {p.State} {p.Command}"));
}
