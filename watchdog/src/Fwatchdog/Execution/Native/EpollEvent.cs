using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fwatchdog.Execution.Native;

/// <summary>
/// The layout of <c>struct epoll_event { uint32_t events; epoll_data_t data; }</c>, which differs by
/// architecture: the kernel declares it packed on x86-64 (12 bytes, data at offset 4) and naturally
/// aligned everywhere else, aarch64 included (16 bytes, data at offset 8). One C# struct cannot be
/// both, so events are read and written at the offsets of the architecture we run on.
/// </summary>
internal static unsafe class EpollEvent
{
    public static readonly int Size = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int DataOffset = Size - sizeof(ulong);

    public static void Write(byte* epollEvent, uint events, ulong data)
    {
        Unsafe.WriteUnaligned(epollEvent, events);
        Unsafe.WriteUnaligned(epollEvent + DataOffset, data);
    }

    public static ulong ReadData(byte* epollEvent) => Unsafe.ReadUnaligned<ulong>(epollEvent + DataOffset);
}
