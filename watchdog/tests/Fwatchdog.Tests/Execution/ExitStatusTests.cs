using Fwatchdog.Execution;

namespace Fwatchdog.Tests.Execution;

/// <summary>Expected text is Go's os.ProcessState.String() on Linux, which users' alerts match.</summary>
public class ExitStatusTests
{
    [Theory]
    [InlineData(0, "exit status 0")]
    [InlineData(1, "exit status 1")]
    [InlineData(3, "exit status 3")]
    [InlineData(255, "exit status 255")]
    public void Exits_read_exit_status(int code, string expected)
    {
        Assert.Equal(expected, ExitStatus.Exited(code).ToString());
    }

    [Theory]
    [InlineData(1, "signal: hangup")]
    [InlineData(2, "signal: interrupt")]
    [InlineData(6, "signal: aborted")]
    [InlineData(9, "signal: killed")]
    [InlineData(11, "signal: segmentation fault")]
    [InlineData(13, "signal: broken pipe")]
    [InlineData(15, "signal: terminated")]
    [InlineData(24, "signal: CPU time limit exceeded")]
    [InlineData(25, "signal: file size limit exceeded")]
    [InlineData(34, "signal: signal 34")]
    public void Signals_read_as_Go_names_them(int signal, string expected)
    {
        Assert.Equal(expected, ExitStatus.KilledBy(signal).ToString());
    }

    // The remaining signals whose default action ends a process; Go names them too (syscall's Linux signal table).
    [Theory]
    [InlineData(16, "signal: stack fault")]
    [InlineData(26, "signal: virtual timer expired")]
    [InlineData(27, "signal: profiling timer expired")]
    [InlineData(29, "signal: I/O possible")]
    [InlineData(30, "signal: power failure")]
    [InlineData(31, "signal: bad system call")]
    public void Less_common_fatal_signals_read_as_Go_names_them(int signal, string expected)
    {
        Assert.Equal(expected, ExitStatus.KilledBy(signal).ToString());
    }

    [Fact]
    public void Only_exit_zero_is_success()
    {
        Assert.True(ExitStatus.Exited(0).Success);
        Assert.False(ExitStatus.Exited(1).Success);
        Assert.False(ExitStatus.KilledBy(9).Success);
    }
}
