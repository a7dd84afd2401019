using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Fwatchdog.Execution.Native;

namespace Fwatchdog.Tests.Execution;

/// <summary>siginfo_t as waitid fills it for a child (glibc, x86-64 and aarch64 alike).</summary>
public sealed class SigInfoTests
{
    [Fact]
    public void Layout_matches_the_kernel_s()
    {
        Assert.Equal(128, Unsafe.SizeOf<SigInfo>());
        Assert.Equal(8, Marshal.OffsetOf<SigInfo>(nameof(SigInfo.Code)));
        Assert.Equal(16, Marshal.OffsetOf<SigInfo>(nameof(SigInfo.ProcessId)));
        Assert.Equal(24, Marshal.OffsetOf<SigInfo>(nameof(SigInfo.Status)));
    }

    [Theory]
    [InlineData(SigInfo.CLD_EXITED, 0, "exit status 0")]
    [InlineData(SigInfo.CLD_EXITED, 3, "exit status 3")]
    [InlineData(SigInfo.CLD_KILLED, 9, "signal: killed")]
    [InlineData(SigInfo.CLD_DUMPED, 11, "signal: segmentation fault (core dumped)")]
    public void Exit_status_is_decoded_from_code_and_status(int code, int status, string expected)
    {
        var info = new SigInfo { Code = code, Status = status };
        Assert.Equal(expected, info.ToExitStatus().ToString());
    }
}
