using System.Buffers;

namespace Fwatchdog.Execution;

/// <summary>
/// A pooled copy buffer that starts small and grows when reads keep filling it: a request of a few
/// bytes holds 4 KiB, a gigabyte stream soon moves in 64 KiB steps. Keeps memory per in-flight
/// request low without slowing large transfers.
/// </summary>
internal struct CopyBuffer : IDisposable
{
    private const int InitialSize = 4 * 1024;
    private const int MaximumSize = 64 * 1024;

    private byte[]? _array;

    public Memory<byte> Memory => (_array ??= ArrayPool<byte>.Shared.Rent(InitialSize)).AsMemory();

    /// <summary>Call after each read; a completely filled buffer suggests more is coming.</summary>
    public void Observe(int bytesRead)
    {
        if (_array is null || bytesRead < _array.Length || _array.Length >= MaximumSize)
            return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_array.Length * 4, MaximumSize));
        ArrayPool<byte>.Shared.Return(_array);
        _array = larger;
    }

    public void Dispose()
    {
        if (_array is not null)
            ArrayPool<byte>.Shared.Return(_array);
        _array = null;
    }
}
