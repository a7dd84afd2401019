namespace Fwatchdog.Execution;

/// <summary>
/// The output could not be held; the message says where and why (it ends up in the log), and
/// <see cref="Exception.HResult"/> carries the errno behind it (ENOSPC, EROFS, ...), as .NET's own
/// IOExceptions do on Linux, so the log can explain it like any other TMPDIR failure.
/// </summary>
public sealed class SpillException : IOException
{
    public SpillException(string message, int errno, Exception? inner = null) : base(message, inner) => HResult = errno;
}
