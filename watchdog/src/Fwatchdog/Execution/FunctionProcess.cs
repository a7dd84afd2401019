using Fwatchdog.Execution.Native;

namespace Fwatchdog.Execution;

/// <summary>
/// One running function: the leader of its own process group, our ends of its pipes, and its exit.
/// Signals go to the whole group, and only while the leader is unreaped — after that its PID (and so
/// its group ID) may belong to someone else. <see cref="ChildReaper"/> takes the same lock to reap.
/// </summary>
internal sealed class FunctionProcess : IDisposable
{
    private readonly TaskCompletionSource<ExitStatus> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _signalGate = new();
    private bool _reaped;

    public FunctionProcess(int id, PipeEnd standardInput, PipeEnd standardOutput, PipeEnd? standardError)
    {
        Id = id;
        StandardInput = standardInput;
        StandardOutput = standardOutput;
        StandardError = standardError;
    }

    public int Id { get; }
    public PipeEnd StandardInput { get; }
    public PipeEnd StandardOutput { get; }
    /// <summary>Null when stderr shares the stdout pipe.</summary>
    public PipeEnd? StandardError { get; }
    public Task<ExitStatus> Exited => _exit.Task;

    /// <returns>False when the group is already gone.</returns>
    public bool SignalGroup(int signal)
    {
        lock (_signalGate)
            return !_reaped && LibC.kill(-Id, signal) == 0;
    }

    /// <summary>
    /// Kills what is left of the group and reaps the leader while no one can signal the group. The
    /// leader is still a zombie when this starts, so killing its group cannot hit a stranger.
    /// </summary>
    internal void Reap(Action<int> reap)
    {
        lock (_signalGate)
        {
            // Result deliberately ignored: ESRCH only means nothing else was left in the group.
            _ = LibC.kill(-Id, LibC.SIGKILL);
            reap(Id);
            _reaped = true;
        }
    }

    internal void PublishExit(ExitStatus status) => _exit.TrySetResult(status);

    public void Dispose()
    {
        StandardInput.Dispose();
        StandardOutput.Dispose();
        StandardError?.Dispose();
    }
}
