namespace Fwatchdog.Execution;

/// <summary>
/// How a function process ended, described in the words Go's os/exec uses ("exit status 3",
/// "signal: killed"), because users' scripts and alerts match on those response bodies.
/// </summary>
public readonly record struct ExitStatus(int Code, int Signal, bool CoreDumped = false)
{
    public static ExitStatus Exited(int code) => new(code, 0);
    public static ExitStatus KilledBy(int signal, bool coreDumped = false) => new(-1, signal, coreDumped);

    public bool Success => Signal == 0 && Code == 0;

    public override string ToString() =>
        Signal == 0 ? $"exit status {Code}"
        : CoreDumped ? $"signal: {SignalName(Signal)} (core dumped)"
        : $"signal: {SignalName(Signal)}";

    private static string SignalName(int signal) => signal switch
    {
        1 => "hangup",
        2 => "interrupt",
        3 => "quit",
        4 => "illegal instruction",
        5 => "trace/breakpoint trap",
        6 => "aborted",
        7 => "bus error",
        8 => "floating point exception",
        9 => "killed",
        10 => "user defined signal 1",
        11 => "segmentation fault",
        12 => "user defined signal 2",
        13 => "broken pipe",
        14 => "alarm clock",
        15 => "terminated",
        16 => "stack fault",
        17 => "child exited",
        18 => "continued",
        19 => "stopped (signal)",
        20 => "stopped",
        21 => "stopped (tty input)",
        22 => "stopped (tty output)",
        23 => "urgent I/O condition",
        24 => "CPU time limit exceeded",
        25 => "file size limit exceeded",
        26 => "virtual timer expired",
        27 => "profiling timer expired",
        28 => "window changed",
        29 => "I/O possible",
        30 => "power failure",
        31 => "bad system call",
        _ => $"signal {signal}",
    };
}
