using Fwatchdog.Configuration;
using Fwatchdog.Execution.Native;

namespace Fwatchdog.Execution;

/// <summary>
/// The execution layer's front door: starts the configured function for one invocation. Knows
/// nothing of HTTP; it is given environment variables, an input stream and an output stream.
/// </summary>
public sealed class FunctionRunner : IDisposable
{
    private readonly PosixSpawnLauncher _launcher;
    private readonly StartFailureStreak _startFailures;
    private readonly TimeSpan _killGrace;
    private readonly bool _combineOutput;
    private readonly int _maxLogLineBytes;
    private readonly TimeProvider _time;

    /// <param name="maxLogLineBytes">log_buffer_size: stderr lines longer than this are logged in pieces.</param>
    /// <param name="time">The clock of every run's timers: exec timeout, input deadline, kill grace.</param>
    /// <param name="withheld">Variables of the watchdog's environment the function does not inherit.</param>
    public FunctionRunner(ProcessSupervisor supervisor, CommandLine command, TimeSpan killGrace, bool combineOutput, int maxLogLineBytes,
        StartFailureStreak startFailures, TimeProvider time, IReadOnlyCollection<string>? withheld = null)
    {
        _launcher = new PosixSpawnLauncher(command, EnvironmentBlock.Current(withheld), supervisor.Events, supervisor.Reaper);
        _startFailures = startFailures;
        _killGrace = killGrace;
        _combineOutput = combineOutput;
        _maxLogLineBytes = maxLogLineBytes;
        _time = time;
    }

    /// <summary>Forks the function. Throws <see cref="FunctionStartException"/> when it cannot be started.</summary>
    /// <param name="standardErrorLine">Receives stderr lines when output is not combined.</param>
    public FunctionRun Start(IReadOnlyList<KeyValuePair<string, string>>? environment, Action<string>? standardErrorLine)
    {
        FunctionProcess process;
        try
        {
            process = _launcher.Start(environment, _combineOutput);
        }
        catch (FunctionStartException e)
        {
            _startFailures.RecordFailure(e);
            throw;
        }
        _startFailures.RecordSuccess();
        return new FunctionRun(process, _killGrace, standardErrorLine, _maxLogLineBytes, _time);
    }

    public void Dispose() => _launcher.Dispose();
}
