using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Fwatchdog.Execution.Native;
using Serilog;

namespace Fwatchdog.Execution;

/// <summary>
/// The only code in the watchdog that reaps children; there is one per process, owned by
/// <see cref="ProcessSupervisor"/>, since waitid(P_ALL) takes every child's status. Its thread waits
/// for any child to become a zombie (without reaping it yet), then:
/// <list type="bullet">
/// <item>a function leader: kill what is left of its process group, reap it, publish its exit status;</item>
/// <item>anyone else — orphans re-parented to us as PID 1 or child subreaper: reap and forget.</item>
/// </list>
/// A function that exits before its spawner has registered it is not mistaken for an orphan:
/// spawns hold the read side of <see cref="_spawnLock"/>, and an unknown PID is re-checked under
/// the write side, i.e. after every spawn in progress has registered its child.
/// </summary>
internal sealed unsafe class ChildReaper : IDisposable
{
    private static readonly TimeSpan OrphanPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<int, FunctionProcess> _functions = new();
    private readonly ReaderWriterLockSlim _spawnLock = new(LockRecursionPolicy.NoRecursion);
    // A kernel wait without spinning: with no children the reaper sleeps here, and a spinning
    // wait (SemaphoreSlim) cost tens of thousands of yields per second between requests.
    private readonly AutoResetEvent _wake = new(false);
    private readonly ILogger _log;
    private readonly Thread _thread;
    private int _waitingForChildren;
    private volatile bool _stopping;

    public ChildReaper(ILogger log)
    {
        _log = log;
        _thread = new Thread(Run) { IsBackground = true, Name = "child-reaper" };
    }

    public void Start() => _thread.Start();

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
                _wake.Set();
        }
    }

    /// <summary>SIGKILL to every function group still running; returns how many there were.</summary>
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
        SigInfo info;
        while (!_stopping)
        {
            info = default;
            if (LibC.waitid(LibC.P_ALL, 0, &info, LibC.WEXITED | LibC.WNOWAIT) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.ECHILD)
                    WaitForChildren();
                else if (errno != LibC.EINTR)
                    BackOff(errno);
                continue;
            }
            // Without WNOHANG the kernel only returns with a child; a zero PID would be a kernel quirk, not a child.
            if (info.ProcessId <= 0)
                continue;
            Judge(info.ProcessId, info.ToExitStatus());
        }
    }

    private void Judge(int pid, ExitStatus status)
    {
        if (!_functions.TryGetValue(pid, out var function))
        {
            _spawnLock.EnterWriteLock();
            _spawnLock.ExitWriteLock();
            _functions.TryGetValue(pid, out function);
        }

        if (function is null)
        {
            Reap(pid);
            return;
        }

        function.Reap(Reap);
        // Only this entry: once reaped, the PID may already belong to a newer function.
        _functions.TryRemove(new KeyValuePair<int, FunctionProcess>(pid, function));
        function.PublishExit(status);
    }

    /// <summary>
    /// Sleeps until a spawn signals, after announcing it and checking once more, so a spawn between
    /// the ECHILD and the announcement is not missed. Orphans can appear without a spawn (a function's
    /// descendants re-parented to us), hence the bounded wait.
    /// </summary>
    private void WaitForChildren()
    {
        SigInfo info = default;
        Interlocked.Exchange(ref _waitingForChildren, 1);
        if (!_stopping
            && LibC.waitid(LibC.P_ALL, 0, &info, LibC.WEXITED | LibC.WNOWAIT | LibC.WNOHANG) != 0
            && Marshal.GetLastPInvokeError() == LibC.ECHILD)
            _wake.WaitOne(OrphanPollInterval);
        Interlocked.Exchange(ref _waitingForChildren, 0);
    }

    /// <summary>waitid failed for a reason it documents only for bugs (EINVAL, EFAULT): say so, and do not spin.</summary>
    private void BackOff(int errno)
    {
        _log.Error("waitid(P_ALL) failed: {error}. Exited functions are not reaped until it succeeds; retrying in {seconds}s.",
            Errno.Describe(errno), OrphanPollInterval.TotalSeconds);
        _wake.WaitOne(OrphanPollInterval);
    }

    /// <summary>Collects a zombie whose status is already known (from the WNOWAIT peek).</summary>
    private void Reap(int pid)
    {
        SigInfo ignored;
        int result;
        int errno;
        do
        {
            result = LibC.waitid(LibC.P_PID, pid, &ignored, LibC.WEXITED);
            errno = result < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (errno == LibC.EINTR);
        if (result < 0)
            _log.Error("waitid(P_PID, {pid}) could not reap an exited child: {error}. It stays a zombie until the watchdog exits.",
                pid, Errno.Describe(errno));
    }

    /// <summary>
    /// Stops the thread. It may be blocked in waitid while some child still runs (an orphan that left
    /// its group): then it is left to end with the process, after a bounded wait.
    /// </summary>
    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        if (_thread.IsAlive && !_thread.Join(StopWait))
            _log.Debug("The child reaper is still waiting for a child; it ends with the watchdog.");
    }
}
