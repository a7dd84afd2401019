using Fwatchdog.Testing;
using Serilog;

namespace Fwatchdog.Execution.Tests;

/// <summary>The process-wide machinery: started once, and stopped for good when the supervisor is disposed.</summary>
[Collection(SupervisedCollection.Name)]
public sealed class ProcessSupervisorTests
{
    private static readonly ILogger Silent = new LoggerConfiguration().CreateLogger();

    private static int ThreadsNamed(string name) =>
        Directory.EnumerateDirectories("/proc/self/task").Count(task => NameOf(task) == name);

    /// <summary>A thread-pool thread may end while we list the tasks; its directory is then gone.</summary>
    private static string? NameOf(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm")).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }

    private static int FdsLinkedTo(string target) =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd => fd.LinkTarget == target);

    [Fact]
    public async Task Disposing_ends_the_reaper_and_pipe_threads_and_closes_the_epoll_and_event_fds()
    {
        // A reaper of an earlier test's supervisor may still be ending (its Dispose waits at most 1 s).
        Assert.True(await Eventually.TrueWithinAsync(() => ThreadsNamed("child-reaper") == 0 && ThreadsNamed("pipe-events") == 0, TimeSpan.FromSeconds(5)),
            "An earlier supervisor's threads are still running.");
        var epollBefore = FdsLinkedTo("anon_inode:[eventpoll]");
        var eventfdBefore = FdsLinkedTo("anon_inode:[eventfd]");

        var supervisor = new ProcessSupervisor(Silent);
        // The OS thread name is set by the new thread itself, possibly just after Start returns.
        Assert.True(await Eventually.TrueWithinAsync(() => ThreadsNamed("child-reaper") == 1 && ThreadsNamed("pipe-events") == 1, TimeSpan.FromSeconds(5)),
            "The supervisor did not start exactly one reaper and one pipe thread.");
        Assert.Equal(epollBefore + 1, FdsLinkedTo("anon_inode:[eventpoll]"));

        supervisor.Dispose();

        Assert.True(await Eventually.TrueWithinAsync(() => ThreadsNamed("child-reaper") == 0 && ThreadsNamed("pipe-events") == 0, TimeSpan.FromSeconds(5)),
            "The supervisor's threads are still running after Dispose.");
        Assert.Equal(epollBefore, FdsLinkedTo("anon_inode:[eventpoll]"));
        Assert.Equal(eventfdBefore, FdsLinkedTo("anon_inode:[eventfd]"));
    }

    [Fact]
    public void A_second_supervisor_in_the_same_process_is_refused_while_the_first_lives()
    {
        using (new ProcessSupervisor(Silent))
            Assert.Throws<InvalidOperationException>(() => new ProcessSupervisor(Silent));

        using var next = new ProcessSupervisor(Silent); // once the first is gone, a new one may start
    }
}
