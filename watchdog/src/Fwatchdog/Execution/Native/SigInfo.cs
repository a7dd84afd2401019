using System.Runtime.InteropServices;

namespace Fwatchdog.Execution.Native;

/// <summary>
/// The part of Linux's <c>siginfo_t</c> that waitid fills for a child: the same generic layout on
/// x86-64 and aarch64 (three ints, padding to 16, then the SIGCHLD fields of the union), 128 bytes in all.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct SigInfo
{
    /// <summary>si_code values for SIGCHLD.</summary>
    public const int CLD_EXITED = 1;
    public const int CLD_KILLED = 2;
    public const int CLD_DUMPED = 3;

    [FieldOffset(0)] public int Signal;
    [FieldOffset(8)] public int Code;
    [FieldOffset(16)] public int ProcessId;
    [FieldOffset(24)] public int Status;

    /// <summary>How the child ended: si_status is its exit code for CLD_EXITED, the signal otherwise.</summary>
    public readonly ExitStatus ToExitStatus() => Code switch
    {
        CLD_EXITED => ExitStatus.Exited(Status),
        CLD_DUMPED => ExitStatus.KilledBy(Status, coreDumped: true),
        // CLD_KILLED; the stop/continue codes need WSTOPPED/WCONTINUED, which we never ask for.
        _ => ExitStatus.KilledBy(Status),
    };
}
