using System.Runtime.InteropServices;
using System.Text;

namespace Fwatchdog.Execution.Native;

/// <summary>NUL-terminated UTF-8 strings and NULL-terminated string arrays in native memory.</summary>
internal static unsafe class NativeStrings
{
    public static byte* Allocate(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var memory = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encode(value, memory, length);
        return memory;
    }

    /// <summary>Writes <paramref name="value"/> plus NUL at <paramref name="destination"/>; returns bytes written.</summary>
    public static int Encode(string value, byte* destination, int byteCount)
    {
        var written = Encoding.UTF8.GetBytes(value, new Span<byte>(destination, byteCount));
        destination[written] = 0;
        return written + 1;
    }

    public static byte** AllocateArray(IReadOnlyList<string> values)
    {
        var array = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < values.Count; i++)
            array[i] = Allocate(values[i]);
        array[values.Count] = null;
        return array;
    }

    public static void FreeArray(byte** array)
    {
        for (var entry = array; *entry != null; entry++)
            NativeMemory.Free(*entry);
        NativeMemory.Free(array);
    }
}
