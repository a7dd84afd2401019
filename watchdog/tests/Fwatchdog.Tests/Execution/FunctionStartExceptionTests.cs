using Fwatchdog.Execution;
using Fwatchdog.Execution.Native;

namespace Fwatchdog.Tests.Execution;

/// <summary>Start failures answer in Go's words (the Go watchdog's 500 bodies), with a hint for the operator.</summary>
public sealed class FunctionStartExceptionTests
{
    [Theory]
    [InlineData("cat", 2, "exec: \"cat\": executable file not found in $PATH")]
    [InlineData("/app/handler", 2, "fork/exec /app/handler: no such file or directory")]
    [InlineData("/app/handler", 13, "fork/exec /app/handler: permission denied")]
    [InlineData("cat", 7, "fork/exec cat: argument list too long")]
    [InlineData("cat", 12, "fork/exec cat: cannot allocate memory")]
    [InlineData("cat", 11, "fork/exec cat: resource temporarily unavailable")]
    [InlineData("cat", 24, "fork/exec cat: too many open files")]
    [InlineData("cat", 4095, "fork/exec cat: errno 4095")]
    public void Spawn_failures_read_like_go_s_os_exec(string program, int errno, string message)
    {
        var failure = FunctionStartException.FromErrno(program, errno);
        Assert.Equal(message, failure.Message);
        Assert.NotEmpty(failure.Hint);
    }

    [Fact]
    public void Out_of_fds_for_a_pipe_reads_like_go_s_os_pipe()
    {
        var failure = FunctionStartException.FromNativeCall("cat", new NativeCallException("pipe2", LibC.EMFILE));
        Assert.Equal("pipe2: too many open files", failure.Message);
        Assert.Contains("open-files limit", failure.Hint);
        Assert.True(failure.IsResourceExhaustion);
    }

    [Fact]
    public void Other_native_failures_name_the_call_in_the_hint()
    {
        var failure = FunctionStartException.FromNativeCall("cat", new NativeCallException("epoll_ctl(EPOLL_CTL_ADD)", LibC.ENOSPC));
        Assert.Equal("fork/exec cat: no space left on device", failure.Message);
        Assert.StartsWith("epoll_ctl(EPOLL_CTL_ADD) failed.", failure.Hint);
    }
}
