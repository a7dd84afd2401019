using Xunit.Abstractions;

namespace Fwatchdog.Testing;

/// <summary>How to launch one watchdog under test.</summary>
public sealed class WatchdogLaunch
{
    /// <summary>
    /// Watchdog configuration variables (fprocess, exec_timeout, ...). The process gets only these plus
    /// PATH, TMPDIR (a private directory), port and metrics_port; set port/metrics_port here to pin them.
    /// </summary>
    public Dictionary<string, string> Environment { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Command-line arguments, e.g. <c>--version</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>
    /// Runs the watchdog as PID 1 of a fresh PID namespace through
    /// <c>unshare --pid --fork --mount-proc</c> (needs root), so orphans are reparented to it.
    /// </summary>
    public bool RunAsPid1 { get; init; }

    /// <summary>
    /// Runs the binary inside this directory with <c>chroot</c> (needs root): the binary is copied to
    /// its <c>/fwatchdog</c> and <c>TMPDIR</c> is its <c>/tmp</c>. Stands in for a <c>FROM scratch</c>
    /// image: nothing of the host's libraries is reachable.
    /// </summary>
    public string? ChrootDirectory { get; init; }

    /// <summary>When true (default), start returns only after the <c>Listening on port: N</c> log line.</summary>
    public bool WaitForReady { get; init; } = true;

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// When set, every output line and the final exit status are copied here as they happen, so a
    /// failing test's report shows what the watchdog logged (xunit prints it for failed tests).
    /// </summary>
    public ITestOutputHelper? TestOutput { get; set; }

    /// <summary>Fluent form of <see cref="TestOutput"/>.</summary>
    public WatchdogLaunch LoggingTo(ITestOutputHelper? output)
    {
        TestOutput = output;
        return this;
    }

    /// <summary>Shorthand: options with <c>fprocess</c> and extra variables.</summary>
    public static WatchdogLaunch For(string fprocess, params (string Name, string Value)[] variables)
    {
        var options = new WatchdogLaunch();
        options.Environment["fprocess"] = fprocess;
        foreach (var (name, value) in variables)
            options.Environment[name] = value;
        return options;
    }
}
