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
    private readonly ChildReaper _reaper;
    private readonly TimeSpan _killGrace;
    private readonly bool _combineOutput;
    private readonly int _maxLogLineBytes;

    /// <param name="maxLogLineBytes">log_buffer_size: stderr lines longer than this are logged in pieces.</param>
    public FunctionRunner(CommandLine command, TimeSpan killGrace, bool combineOutput, int maxLogLineBytes)
    {
        _reaper = new ChildReaper();
        IsSubreaper = ChildReaper.BecomeSubreaper();
        var inherited = Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .Select(entry => new KeyValuePair<string, string>((string)entry.Key, (string?)entry.Value ?? ""));
        _launcher = new PosixSpawnLauncher(command, inherited, new PipeEventLoop(), _reaper);
        _killGrace = killGrace;
        _combineOutput = combineOutput;
        _maxLogLineBytes = maxLogLineBytes;
    }

    /// <summary>True when orphaned descendants are re-parented to (and reaped by) the watchdog.</summary>
    public bool IsSubreaper { get; }

    /// <summary>Forks the function. Throws <see cref="FunctionStartException"/> when it cannot be started.</summary>
    /// <param name="standardErrorLine">Receives stderr lines when output is not combined.</param>
    public FunctionRun Start(IReadOnlyList<KeyValuePair<string, string>>? environment, Action<string>? standardErrorLine)
    {
        var process = _launcher.Start(environment, _combineOutput);
        return new FunctionRun(process, _killGrace, standardErrorLine, _maxLogLineBytes);
    }

    /// <summary>Kills every function still running; returns how many there were.</summary>
    public int KillAll() => _reaper.KillAll();

    public void Dispose() => _launcher.Dispose();
}
