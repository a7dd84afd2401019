using Fwatchdog.Execution.Native;
using Serilog;

namespace Fwatchdog.Execution;

/// <summary>
/// The process-wide machinery every function run registers with, started once and stopped at
/// shutdown: the child reaper (waitid(P_ALL) takes every child's status, so there must be exactly
/// one per process) and the pipe event loop (one epoll fd and its thread). Disposing it kills every
/// function group still running first, then stops both threads and closes the epoll fd.
/// </summary>
public sealed class ProcessSupervisor : IDisposable
{
    private static int s_live;

    private readonly ILogger _log;
    private readonly ChildReaper _reaper;
    private readonly PipeEventLoop _events;
    private int _disposed;

    /// <exception cref="InvalidOperationException">Another supervisor is alive in this process.</exception>
    public ProcessSupervisor(ILogger log)
    {
        if (Interlocked.Exchange(ref s_live, 1) == 1)
            throw new InvalidOperationException("A ProcessSupervisor already runs in this process; there can be only one reaper.");
        _log = log;
        try
        {
            _events = new PipeEventLoop(Fail);
        }
        catch
        {
            Volatile.Write(ref s_live, 0);
            throw;
        }
        _reaper = new ChildReaper(log);
        IsSubreaper = Environment.ProcessId == 1 || LibC.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
        _events.Start();
        _reaper.Start();
        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
    }

    /// <summary>True when orphaned descendants are re-parented to (and reaped by) the watchdog.</summary>
    public bool IsSubreaper { get; }

    internal ChildReaper Reaper => _reaper;
    internal PipeEventLoop Events => _events;

    /// <summary>SIGKILL to every function group still running; returns how many there were.</summary>
    public int KillAll() => _reaper.KillAll();

    /// <summary>The watchdog is about to crash: its functions must not outlive it.</summary>
    private void OnUnhandledException(object sender, UnhandledExceptionEventArgs e) => KillAll();

    /// <summary>The pipe loop cannot continue: no function could finish, so end them and the watchdog now.</summary>
    private void Fail(string reason)
    {
        _log.Fatal("{reason} Stopping the watchdog so it can be restarted.", reason);
        KillAll();
        Environment.FailFast(reason);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
        KillAll();
        _events.Dispose();
        _reaper.Dispose();
        Volatile.Write(ref s_live, 0);
    }
}
