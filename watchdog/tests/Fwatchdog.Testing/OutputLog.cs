using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Fwatchdog.Testing;

public enum OutputStream { Stdout, Stderr }

/// <summary>One captured line of the watchdog's output.</summary>
public sealed record OutputLine(OutputStream Stream, string Text);

/// <summary>
/// Thread-safe record of a process's stdout/stderr lines with awaitable "wait for a line
/// matching X". Waiters fail fast once both streams have closed, so a crashed watchdog
/// surfaces immediately with its output instead of after the full timeout.
/// </summary>
public sealed class OutputLog
{
    private readonly object _gate = new();
    private readonly List<OutputLine> _lines = new();
    private readonly List<Waiter> _waiters = new();
    private readonly Action<string>? _echo;
    private int _openStreams = 2;
    private TaskCompletionSource _stdoutFlowing = Flowing();

    /// <param name="echo">Optional sink that receives every line as it arrives (e.g. xunit test output).</param>
    public OutputLog(Action<string>? echo = null) => _echo = echo;

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    /// <summary>
    /// Stops reading the process's stdout, as a stalled log driver does: once the pipe's buffer is
    /// full, the process's writes to stdout block until <see cref="ResumeStdout"/>.
    /// </summary>
    public void PauseStdout()
    {
        lock (_gate)
        {
            if (_stdoutFlowing.Task.IsCompleted)
                _stdoutFlowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Reads the process's stdout again after <see cref="PauseStdout"/>.</summary>
    public void ResumeStdout()
    {
        lock (_gate) _stdoutFlowing.TrySetResult();
    }

    private Task StdoutFlowing(OutputStream stream)
    {
        if (stream != OutputStream.Stdout)
            return Task.CompletedTask;
        lock (_gate) return _stdoutFlowing.Task;
    }

    private sealed record Waiter(Func<OutputLine, bool> Match, TaskCompletionSource<OutputLine> Completion);

    public IReadOnlyList<OutputLine> Lines
    {
        get { lock (_gate) return _lines.ToArray(); }
    }

    public IReadOnlyList<string> StdoutLines => Of(OutputStream.Stdout);
    public IReadOnlyList<string> StderrLines => Of(OutputStream.Stderr);

    public IReadOnlyList<string> Of(OutputStream stream)
    {
        lock (_gate) return _lines.Where(l => l.Stream == stream).Select(l => l.Text).ToArray();
    }

    /// <summary>All lines, prefixed by stream, for assertion messages.</summary>
    public string Dump()
    {
        var text = new StringBuilder();
        foreach (var line in Lines)
            text.Append(line.Stream == OutputStream.Stdout ? "[out] " : "[err] ").AppendLine(line.Text);
        return text.ToString();
    }

    public int Count(Func<string, bool> match) => Lines.Count(l => match(l.Text));

    public bool Contains(string fragment) => Count(t => t.Contains(fragment, StringComparison.Ordinal)) > 0;

    private void Add(OutputStream stream, string text)
    {
        var line = new OutputLine(stream, text);
        _echo?.Invoke((stream == OutputStream.Stdout ? "[out] " : "[err] ") + text);
        List<Waiter> satisfied;
        lock (_gate)
        {
            _lines.Add(line);
            satisfied = _waiters.Where(w => w.Match(line)).ToList();
            foreach (var w in satisfied)
                _waiters.Remove(w);
        }
        foreach (var w in satisfied)
            w.Completion.TrySetResult(line);
    }

    /// <summary>
    /// Copies <paramref name="process"/>'s stdout and stderr (both redirected) into this log line by
    /// line; the task completes once both streams have closed, e.g. after the process was killed.
    /// </summary>
    public Task CaptureAsync(Process process) => Task.WhenAll(
        PumpAsync(process.StandardOutput, OutputStream.Stdout),
        PumpAsync(process.StandardError, OutputStream.Stderr));

    private async Task PumpAsync(StreamReader reader, OutputStream stream)
    {
        try
        {
            while (true)
            {
                await StdoutFlowing(stream).ConfigureAwait(false);
                if (await reader.ReadLineAsync().ConfigureAwait(false) is not { } line)
                    break;
                Add(stream, line);
            }
        }
        catch (IOException) { /* pipe torn down by a kill */ }
        catch (ObjectDisposedException) { }
        finally
        {
            CloseStream();
        }
    }

    private void CloseStream()
    {
        List<Waiter> orphaned;
        lock (_gate)
        {
            if (--_openStreams > 0)
                return;
            orphaned = _waiters.ToList();
            _waiters.Clear();
        }
        foreach (var w in orphaned)
            w.Completion.TrySetException(new OutputClosedException(Dump()));
    }

    /// <summary>Waits for a line containing <paramref name="fragment"/> (ordinal), on either stream unless given.</summary>
    public Task<OutputLine> WaitForLineAsync(string fragment, TimeSpan timeout, OutputStream? stream = null) =>
        WaitForLineAsync(l => l.Contains(fragment, StringComparison.Ordinal), $"a line containing \"{fragment}\"", timeout, stream);

    public Task<OutputLine> WaitForLineAsync(Regex pattern, TimeSpan timeout, OutputStream? stream = null) =>
        WaitForLineAsync(pattern.IsMatch, $"a line matching /{pattern}/", timeout, stream);

    /// <summary>
    /// Completes with the first line (already captured or future) that matches; throws
    /// <see cref="TimeoutException"/> with the captured output when none arrives in time.
    /// </summary>
    public async Task<OutputLine> WaitForLineAsync(Func<string, bool> match, string description, TimeSpan timeout, OutputStream? stream = null)
    {
        bool Matches(OutputLine l) => (stream == null || l.Stream == stream) && match(l.Text);

        var waiter = new Waiter(Matches, new TaskCompletionSource<OutputLine>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            var existing = _lines.FirstOrDefault(Matches);
            if (existing != null)
                return existing;
            if (_openStreams == 0)
                throw new OutputClosedException(Dump(), description);
            _waiters.Add(waiter);
        }

        var finished = await Task.WhenAny(waiter.Completion.Task, Task.Delay(timeout)).ConfigureAwait(false);
        if (finished == waiter.Completion.Task)
            return await waiter.Completion.Task.ConfigureAwait(false);

        lock (_gate) _waiters.Remove(waiter);
        throw new TimeoutException($"No {description} within {timeout.TotalSeconds:0.#}s. Output so far:\n{Dump()}");
    }
}

/// <summary>The process closed its output before the awaited line appeared.</summary>
public sealed class OutputClosedException : Exception
{
    public OutputClosedException(string output, string? awaited = null)
        : base($"The process closed its output{(awaited == null ? "" : $" before {awaited}")}. Output:\n{output}") { }
}
