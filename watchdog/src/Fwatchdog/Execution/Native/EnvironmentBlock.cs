using System.Runtime.InteropServices;
using System.Text;

namespace Fwatchdog.Execution.Native;

/// <summary>
/// Builds envp for posix_spawn: the watchdog's own environment (encoded once at start) followed by
/// per-request variables in a single native allocation. A variable given to <see cref="Build"/>
/// replaces an inherited one of the same name, whatever the name, as Go's os/exec de-duplicates in
/// favour of the last value.
/// </summary>
internal sealed unsafe class EnvironmentBlock : IDisposable
{
    private readonly (string Name, nint Entry)[] _inherited;

    /// <summary>The watchdog's own environment as it is now, less <paramref name="withheld"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Current(IReadOnlyCollection<string>? withheld = null) =>
        Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .Where(entry => withheld is null || !withheld.Contains((string)entry.Key))
            .Select(entry => new KeyValuePair<string, string>((string)entry.Key, (string?)entry.Value ?? ""));

    public EnvironmentBlock(IEnumerable<KeyValuePair<string, string>> inherited)
    {
        _inherited = inherited
            .Select(variable => (variable.Key, (nint)NativeStrings.Allocate($"{variable.Key}={variable.Value}")))
            .ToArray();
    }

    public byte** Build(IReadOnlyList<KeyValuePair<string, string>>? extra)
    {
        var extraCount = extra?.Count ?? 0;
        var stringBytes = 0;
        var onlyRequestVariables = true;
        for (var i = 0; i < extraCount; i++)
        {
            stringBytes += Encoding.UTF8.GetByteCount(extra![i].Key) + Encoding.UTF8.GetByteCount(extra[i].Value) + 2;
            onlyRequestVariables &= IsRequestVariable(extra[i].Key);
        }

        var slots = _inherited.Length + extraCount + 1;
        var block = (byte*)NativeMemory.Alloc((nuint)(slots * sizeof(byte*) + stringBytes));
        var pointers = (byte**)block;
        var strings = block + slots * sizeof(byte*);
        var count = 0;

        foreach (var (name, entry) in _inherited)
        {
            // The CGI variables all begin with Http_ and inherited ones rarely do: only those need the scan.
            var mayBeReplaced = extraCount > 0 && (!onlyRequestVariables || IsRequestVariable(name));
            if (!mayBeReplaced || !Overrides(extra!, name))
                pointers[count++] = (byte*)entry;
        }
        for (var i = 0; i < extraCount; i++)
        {
            var (name, value) = extra![i];
            pointers[count++] = strings;
            strings += Encoding.UTF8.GetBytes(name, new Span<byte>(strings, Encoding.UTF8.GetByteCount(name)));
            *strings++ = (byte)'=';
            strings += NativeStrings.Encode(value, strings, Encoding.UTF8.GetByteCount(value));
        }
        pointers[count] = null;
        return pointers;
    }

    public static void Free(byte** block) => NativeMemory.Free(block);

    private static bool IsRequestVariable(string name) => name.StartsWith("Http_", StringComparison.Ordinal);

    private static bool Overrides(IReadOnlyList<KeyValuePair<string, string>> extra, string name)
    {
        for (var i = 0; i < extra.Count; i++)
        {
            if (string.Equals(extra[i].Key, name, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    public void Dispose()
    {
        foreach (var (_, entry) in _inherited)
            NativeMemory.Free((void*)entry);
    }
}
