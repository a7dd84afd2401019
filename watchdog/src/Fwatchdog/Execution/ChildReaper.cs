using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Fwatchdog.Execution.Native;

namespace Fwatchdog.Execution;

/// <summary>
/// The only code in the watchdog that reaps children. One thread waits for any child to become a
/// zombie (without reaping it yet), then:
/// <list type="bullet">
/// <item>a function leader: kill what is left of its process group, reap it, publish its exit status;</item>
/// <item>anyone else — orphans re-parented to us as PID 1 or child subreaper: reap and forget.</item>
/// </list>
/// A function that exits before its spawner has registered it is not mistaken for an orphan:
/// spawns hold the read side of <see cref="_spawnLock"/>, and an unknown PID is re-checked under
/// the write side, i.e. after every spawn in progress has registered its child.
/// </summary>
internal sealed unsafe class ChildReaper
{
    private readonly ConcurrentDictionary<int, FunctionProcess> _functions = new();
    private readonly ReaderWriterLockSlim _spawnLock = new(LockRecursionPolicy.NoRecursion);
    // A kernel wait without spinning: with no children the reaper sleeps here, and a spinning
    // wait (SemaphoreSlim) cost tens of thousands of yields per second between requests.
    private readonly AutoResetEvent _childSpawned = new(false);
    private int _waitingForChildren;

    public ChildReaper()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "child-reaper" };
        thread.Start();
    }

    /// <summary>Asks the kernel to re-parent orphaned descendants to us (PID 1 gets them anyway).</summary>
    public static bool BecomeSubreaper() =>
        Environment.ProcessId == 1 || LibC.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;

    /// <summary>Runs a spawn so that its child is registered before the reaper can judge it.</summary>
    public FunctionProcess Spawn(Func<FunctionProcess> spawn)
    {
        _spawnLock.EnterReadLock();
        try
        {
            var process = spawn();
            _functions[process.Id] = process;
            return process;
        }
        finally
        {
            _spawnLock.ExitReadLock();
            if (Volatile.Read(ref _waitingForChildren) == 1)
                _childSpawned.Set();
        }
    }

    /// <summary>SIGKILL to every function group still running: the watchdog is leaving.</summary>
    public int KillAll()
    {
        var killed = 0;
        foreach (var function in _functions.Values)
        {
            if (function.SignalGroup(LibC.SIGKILL))
                killed++;
        }
        return killed;
    }

    private void Run()
    {
        var info = stackalloc byte[LibC.SigInfoSize];
        while (true)
        {
            new Span<byte>(info, LibC.SigInfoSize).Clear();
            if (LibC.waitid(LibC.P_ALL, 0, info, LibC.WEXITED | LibC.WNOWAIT) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.ECHILD)
                    WaitForChildren(info);
                else if (errno != LibC.EINTR)
                    Thread.Sleep(100);
                continue;
            }

            var pid = *(int*)(info + 16);
            if (pid <= 0)
                continue;

            if (!_functions.TryGetValue(pid, out var function))
            {
                _spawnLock.EnterWriteLock();
                _spawnLock.ExitWriteLock();
                _functions.TryGetValue(pid, out function);
            }

            if (function is null)
            {
                Reap(pid);
                continue;
            }

            var status = function.Reap(Reap);
            // Only this entry: once reaped, the PID may already belong to a newer function.
            _functions.TryRemove(new KeyValuePair<int, FunctionProcess>(pid, function));
            function.PublishExit(status);
        }
    }

    /// <summary>
    /// Sleeps until a spawn signals, after announcing it and checking once more, so a spawn between
    /// the ECHILD and the announcement is not missed. Orphans can appear without a spawn (a function's
    /// descendants re-parented to us), hence the one-second bound.
    /// </summary>
    private void WaitForChildren(byte* info)
    {
        Interlocked.Exchange(ref _waitingForChildren, 1);
        if (LibC.waitid(LibC.P_ALL, 0, info, LibC.WEXITED | LibC.WNOWAIT | LibC.WNOHANG) != 0
            && Marshal.GetLastPInvokeError() == LibC.ECHILD)
            _childSpawned.WaitOne(TimeSpan.FromSeconds(1));
        Interlocked.Exchange(ref _waitingForChildren, 0);
    }

    private static ExitStatus Reap(int pid)
    {
        int status;
        int result;
        do
        {
            result = LibC.waitpid(pid, &status, 0);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);

        if (result < 0)
            return ExitStatus.Exited(-1);
        var terminatingSignal = status & 0x7f;
        return terminatingSignal == 0
            ? ExitStatus.Exited((status >> 8) & 0xff)
            : ExitStatus.KilledBy(terminatingSignal, coreDumped: (status & 0x80) != 0);
    }
}
