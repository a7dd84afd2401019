using Fwatchdog.Configuration;
using Fwatchdog.Execution.Native;

namespace Fwatchdog.Execution;

/// <summary>
/// One started function, driven to its end: input pumped into stdin, stdout copied to the caller's
/// destination, stderr handed line by line to a sink, and the process group stopped — SIGTERM, then
/// SIGKILL after the grace — on exec timeout, abort, or a failed input or output. This is where
/// exec_timeout is enforced, and where a run decides how long its output may take after the
/// leader's exit: a pipe that stays silent for the kill grace is abandoned (a descendant that escaped
/// the group still holds it), and output still moving to a slow destination is relayed to its end
/// when the caller gave it a write deadline, bounded by that deadline.
/// </summary>
public sealed class FunctionRun : IDisposable
{
    private const int None = 0;

    private readonly FunctionProcess _process;
    private readonly TimeSpan _killGrace;
    private readonly Action<string>? _standardErrorLine;
    private readonly int _maxLogLineBytes;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _killTimer;
    private ITimer? _inputDeadline;
    private int _end;
    private Exception? _error;
    private long _bytesIn;
    private long _bytesOut;
    private int _writingOutput;
    private int _outputRelayed;

    internal FunctionRun(FunctionProcess process, TimeSpan killGrace, Action<string>? standardErrorLine, int maxLogLineBytes, TimeProvider time)
    {
        _process = process;
        _killGrace = Bounded(killGrace);
        _standardErrorLine = standardErrorLine;
        _maxLogLineBytes = maxLogLineBytes;
        _time = time;
    }

    /// <param name="input">Copied to stdin, then stdin is closed; null closes stdin at once. It may throw
    /// <see cref="InputRejectedException"/> to refuse its own data, or <see cref="InputAbandonedException"/> when its source left.</param>
    /// <param name="output">Receives stdout (and stderr when combined) as it is produced.</param>
    /// <param name="deadlines">exec timeout and input deadline; zero for none.</param>
    /// <param name="clientGone">The caller is gone or the watchdog is stopping.</param>
    /// <param name="writeDeadline">The output's writing time is over (streaming's write_timeout). When the
    /// caller gives one, output still moving after the exit is relayed until it passes; otherwise the
    /// output ends the kill grace after the exit, as output held in memory or on disk never waits.</param>
    public async Task<RunOutcome> CompleteAsync(Stream? input, Stream output, RunDeadlines deadlines, CancellationToken clientGone,
        CancellationToken writeDeadline = default)
    {
        using var execTimer = Arm(deadlines.Exec, static s => ((FunctionRun)s!).Stop(RunEnd.ExecTimeout, null));
        if (input is not null)
            _inputDeadline = Arm(deadlines.Input, static s => ((FunctionRun)s!).Stop(RunEnd.InputTimeout, null));
        await using var onClientGone = clientGone.UnsafeRegister(static s => ((FunctionRun)s!).Stop(RunEnd.ClientGone, null), this);
        await using var onWriteDeadline = writeDeadline.UnsafeRegister(static s => ((FunctionRun)s!).Stop(RunEnd.WriteTimeout, null), this);

        var inputPump = PumpInputAsync(input);
        var outputPump = PumpOutputAsync(output);
        var errorPump = _process.StandardError is { } standardError ? PumpErrorsAsync(standardError) : Task.CompletedTask;

        var exit = await _process.Exited.ConfigureAwait(false);
        Interlocked.CompareExchange(ref _end, (int)RunEnd.Exited, None);

        await DrainAsync(outputPump, _process.StandardOutput, relayWhileMoving: writeDeadline.CanBeCanceled).ConfigureAwait(false);
        await DrainAsync(errorPump, _process.StandardError, relayWhileMoving: false).ConfigureAwait(false);
        // Input no longer matters once the process is gone: stop waiting for the rest of the body.
        _stop.Cancel();
        await inputPump.ConfigureAwait(false);
        _inputDeadline?.Dispose();

        return new RunOutcome((RunEnd)_end, exit, Interlocked.Read(ref _bytesIn), Interlocked.Read(ref _bytesOut), _error);
    }

    private ITimer? Arm(TimeSpan deadline, TimerCallback expired) =>
        deadline > TimeSpan.Zero ? _time.CreateTimer(expired, this, Bounded(deadline), Timeout.InfiniteTimeSpan) : null;

    // A longer delay (a large X-Timeout) means "never" in practice, and must not throw inside a
    // timer callback (which ends the process).
    private static TimeSpan Bounded(TimeSpan delay) => delay < GoDuration.MaxTimer ? delay : GoDuration.MaxTimer;

    /// <summary>
    /// After the leader's exit: waits for <paramref name="pump"/> to read its pipe to the end, in
    /// periods of the kill grace. A period in which nothing arrived and nothing was being written
    /// means the pipe is held by an escaped descendant that writes nothing: it is abandoned. With
    /// <paramref name="relayWhileMoving"/>, a period spent writing (a slow client taking the output)
    /// or moving bytes starts another; the write deadline ends that wait (<see cref="Stop"/>).
    /// </summary>
    private async Task DrainAsync(Task pump, PipeEnd? pipe, bool relayWhileMoving)
    {
        if (pipe is null || pump.IsCompleted)
        {
            await pump.ConfigureAwait(false);
            return;
        }
        while (true)
        {
            var movedBefore = Interlocked.Read(ref _bytesOut);
            try
            {
                await pump.WaitAsync(_killGrace, _time).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException) when (relayWhileMoving
                && (Volatile.Read(ref _writingOutput) == 1 || Interlocked.Read(ref _bytesOut) != movedBefore))
            {
                // Still on its way to the destination: another period.
            }
            catch (TimeoutException)
            {
                pipe.Dispose(); // an escaped descendant holds the pipe open; stop listening to it
                await pump.ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>
    /// The first cause ends the run. After the leader's exit, output still on its way can be cut
    /// too — the caller went away or its write deadline passed — and the run then says so instead
    /// of passing for a complete exit.
    /// </summary>
    private void Stop(RunEnd reason, Exception? error)
    {
        if (Interlocked.CompareExchange(ref _end, (int)reason, None) == None)
        {
            _error = error;
            _stop.Cancel();
            Terminate();
            return;
        }
        if (reason is RunEnd.ClientGone or RunEnd.WriteTimeout && Volatile.Read(ref _outputRelayed) == 0
            && Interlocked.CompareExchange(ref _end, (int)reason, (int)RunEnd.Exited) == (int)RunEnd.Exited)
        {
            _error = error;
            _stop.Cancel();
        }
    }

    private ITimer KillTimer() =>
        _time.CreateTimer(static s => ((FunctionProcess)s!).SignalGroup(LibC.SIGKILL), _process, _killGrace, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Asks the group to stop — SIGTERM, SIGKILL after the kill grace — while its output is still
    /// read to the end: for a long-running process (mode=http's server) whose last lines matter.
    /// </summary>
    public void Terminate()
    {
        if (_process.SignalGroup(LibC.SIGTERM))
            Interlocked.CompareExchange(ref _killTimer, KillTimer(), null)?.Dispose();
    }

    private async Task PumpInputAsync(Stream? input)
    {
        var stdin = _process.StandardInput;
        if (input is null)
        {
            stdin.Dispose();
            return;
        }
        var buffer = new CopyBuffer();
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer.Memory, _stop.Token).ConfigureAwait(false)) > 0)
            {
                // The input is read to its end only when the loop ends; until then its deadline stands.
                await stdin.WriteAsync(buffer.Memory[..read], _stop.Token).ConfigureAwait(false);
                Interlocked.Add(ref _bytesIn, read);
                buffer.Observe(read);
            }
        }
        catch (PipeClosedException)
        {
            // The function chose not to read all of its input; that is its right.
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Deliberately ignored: the run is already ending, for the cause recorded first.
        }
        catch (InputRejectedException e)
        {
            Stop(e.End, e);
        }
        catch (InputAbandonedException e)
        {
            Stop(RunEnd.ClientGone, e);
        }
        catch (Exception e)
        {
            Stop(RunEnd.InputFailed, e);
        }
        finally
        {
            _inputDeadline?.Dispose();
            stdin.Dispose();
            buffer.Dispose();
        }
    }

    private async Task PumpOutputAsync(Stream output)
    {
        var stdout = _process.StandardOutput;
        var buffer = new CopyBuffer();
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await stdout.ReadAsync(buffer.Memory, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested || stdout.IsClosed)
                {
                    return;
                }
                if (read == 0)
                    return;
                Interlocked.Add(ref _bytesOut, read);
                Volatile.Write(ref _writingOutput, 1);
                await output.WriteAsync(buffer.Memory[..read], _stop.Token).ConfigureAwait(false);
                Volatile.Write(ref _writingOutput, 0);
                buffer.Observe(read);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Stop(RunEnd.OutputFailed, e);
            // Output still in the pipe when the process exited: the run already counts as Exited,
            // but its output is incomplete, which must not pass for success.
            if (Interlocked.CompareExchange(ref _end, (int)RunEnd.OutputFailed, (int)RunEnd.Exited) == (int)RunEnd.Exited)
                _error = e;
        }
        finally
        {
            Volatile.Write(ref _outputRelayed, 1);
            buffer.Dispose();
        }
    }

    private async Task PumpErrorsAsync(PipeEnd standardError)
    {
        var lines = new LineSplitter(_maxLogLineBytes, _standardErrorLine ?? (static _ => { }));
        var buffer = new CopyBuffer();
        try
        {
            int read;
            while ((read = await standardError.ReadAsync(buffer.Memory, CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                lines.Append(buffer.Memory.Span[..read]);
                buffer.Observe(read);
            }
        }
        catch (Exception) when (standardError.IsClosed)
        {
        }
        finally
        {
            lines.Flush();
            lines.Dispose();
            buffer.Dispose();
        }
    }

    /// <summary>Also the last line of defence: a run abandoned by an exception never leaves its group running.</summary>
    public void Dispose()
    {
        if (!_process.Exited.IsCompleted)
            _process.SignalGroup(LibC.SIGKILL);
        _killTimer?.Dispose();
        _stop.Dispose();
        _process.Dispose();
    }
}
