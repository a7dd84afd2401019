namespace Fwatchdog.Execution;

/// <summary>
/// The function could not be started. <see cref="Exception.Message"/> reads like Go's os/exec error
/// (it is what the Go watchdog puts in the 500 body); <see cref="Hint"/> tells the operator what to fix.
/// </summary>
public sealed class FunctionStartException(string message, string hint) : Exception(message)
{
    public string Hint { get; } = hint;

    public static FunctionStartException FromErrno(string program, int errno)
    {
        var hasPath = program.Contains('/');
        return errno switch
        {
            2 when !hasPath => new($"exec: \"{program}\": executable file not found in $PATH",
                $"Install {program} in the image or set fprocess to its full path."),
            2 => new($"fork/exec {program}: no such file or directory",
                $"Check that {program} exists in the image (and, for a script, that its #! interpreter does)."),
            13 => new($"fork/exec {program}: permission denied",
                $"Make {program} executable (chmod +x) and readable by the user the watchdog runs as."),
            8 => new($"fork/exec {program}: exec format error",
                $"{program} is not a binary for this machine; a script needs a #! line."),
            11 or 12 => new($"fork/exec {program}: resource temporarily unavailable",
                "The container is out of processes or memory; raise its limits or lower max_inflight."),
            _ => new($"fork/exec {program}: errno {errno}", "See errno(3) for the cause."),
        };
    }
}
