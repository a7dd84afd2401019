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

    /// <param name="maxLogLineBytes">log_buffer_size: stderr lines longer than this are logged in pieces.</param>
    public FunctionRunner(ProcessSupervisor supervisor, CommandLine command, TimeSpan killGrace, bool combineOutput, int maxLogLineBytes,
        StartFailureStreak startFailures)
    {
        var inherited = Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .Select(entry => new KeyValuePair<string, string>((string)entry.Key, (string?)entry.Value ?? ""));
        _launcher = new PosixSpawnLauncher(command, inherited, supervisor.Events, supervisor.Reaper);
        _startFailures = startFailures;
        _killGrace = killGrace;
        _combineOutput = combineOutput;
        _maxLogLineBytes = maxLogLineBytes;
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
        return new FunctionRun(process, _killGrace, standardErrorLine, _maxLogLineBytes);
    }

    public void Dispose() => _launcher.Dispose();
}
