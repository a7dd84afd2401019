using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Fwatchdog.Tests.Support;

/// <summary>The watchdog's log lines as rendered messages, which a test can wait for: a line is an event, not a sleep.</summary>
internal sealed class CapturedLog : ILogEventSink
{
    private readonly List<string> _lines = [];
    private readonly List<(string Fragment, TaskCompletionSource<string> Seen)> _waiting = [];

    public Logger CreateLogger() => new LoggerConfiguration().MinimumLevel.Information().WriteTo.Sink(this).CreateLogger();

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToList();
        }
    }

    public void Emit(LogEvent logEvent)
    {
        var line = Fwatchdog.Telemetry.MessageRenderer.Render(logEvent); // as the watchdog writes it: strings unquoted
        lock (_lines)
        {
            _lines.Add(line);
            foreach (var (fragment, seen) in _waiting.Where(w => line.Contains(w.Fragment, StringComparison.Ordinal)).ToList())
            {
                seen.TrySetResult(line);
                _waiting.Remove((fragment, seen));
            }
        }
    }

    /// <summary>The first line containing <paramref name="fragment"/>, logged already or within <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForAsync(string fragment, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal)) is { } logged)
                return logged;
            _waiting.Add((fragment, seen));
        }
        try
        {
            return await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No log line with \"{fragment}\" within {timeout.TotalSeconds:0.#}s; logged:\n" + string.Join("\n", Lines));
        }
    }
}
