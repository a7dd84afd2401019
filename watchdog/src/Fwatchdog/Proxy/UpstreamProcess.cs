using Fwatchdog.Execution;
using Fwatchdog.Telemetry;
using Serilog;

namespace Fwatchdog.Proxy;

/// <summary>
/// mode=http's function: its own HTTP server, started once through the execution layer like any
/// function (own process group, the watchdog's environment, stdin closed) and kept for the life of
/// the watchdog. Its stdout and stderr become log lines ("stdout: …", "stderr: …", or as they are
/// with prefix_logs=false). Stopping it is a SIGTERM to the group, SIGKILL after kill_grace.
/// </summary>
internal sealed class UpstreamProcess(FunctionRunner runner, bool prefixLogs, int maxLogLineBytes, ILogger log) : IAsyncDisposable
{
    private readonly ILogger _verbatim = log.ForContext(LogFields.Verbatim, true);
    private FunctionRun? _run;
    private volatile bool _stopRequested;
    private Task<RunOutcome>? _completion;

    /// <summary>Completes when the process has exited and its output has been logged.</summary>
    public Task<RunOutcome> Exited => _completion ?? throw new InvalidOperationException("The upstream was not started.");

    /// <summary>True once <see cref="StopAsync"/> was called: an exit after that is not a failure.</summary>
    public bool StopRequested => _stopRequested;

    /// <returns>False when the program cannot be started; the cause and fix are logged.</returns>
    public bool TryStart()
    {
        try
        {
            _run = runner.Start(environment: null, line => Log("stderr", line));
        }
        catch (FunctionStartException e)
        {
            log.Error("Error starting fprocess: {error}. {hint}", e.Message, e.Hint);
            return false;
        }
        _completion = RunAsync(_run);
        return true;
    }

    private async Task<RunOutcome> RunAsync(FunctionRun run)
    {
        using var stdout = new LogLineStream(maxLogLineBytes, line => Log("stdout", line));
        // Never aborted through the token: that would stop reading its output, and a server's last
        // lines ("shutting down…") are worth logging. StopAsync terminates it instead.
        return await run.CompleteAsync(input: null, stdout, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>SIGTERM to the group, SIGKILL after kill_grace; returns how it ended.</summary>
    public Task<RunOutcome> StopAsync()
    {
        _stopRequested = true;
        _run?.Terminate();
        return Exited;
    }

    private void Log(string stream, string line)
    {
        if (prefixLogs)
            log.Information("{stream}: {line}", stream, line);
        else
            _verbatim.Information("{line}", line);
    }

    public async ValueTask DisposeAsync()
    {
        if (_completion is not null)
            await StopAsync().ConfigureAwait(false);
        _run?.Dispose();
    }
}
