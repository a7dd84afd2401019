using System.Runtime.InteropServices;

namespace Fwatchdog.Execution.Native;

/// <summary>A libc call failed: names the call and its errno, as dotnet/runtime's pal_process.c reports them.</summary>
internal sealed class NativeCallException(string call, int errno)
    : IOException($"{call}: {Native.Errno.Describe(errno)}")
{
    public string Call { get; } = call;
    public int Errno { get; } = errno;

    /// <summary>For calls that return -1 and set errno.</summary>
    public static void ThrowIfFailed(int result, string call)
    {
        if (result < 0)
            throw new NativeCallException(call, Marshal.GetLastPInvokeError());
    }

    /// <summary>For the posix_spawn* family, which returns the errno value itself.</summary>
    public static void ThrowIfError(int errno, string call)
    {
        if (errno != 0)
            throw new NativeCallException(call, errno);
    }
}
