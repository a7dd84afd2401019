using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// The gateway's X-Call-Id, or one we make up so every request's log lines still correlate.
/// Made-up ids are a random per-process prefix plus a counter, in UUID layout: unique without a
/// system call per request.
/// </summary>
public static class CallId
{
    public const string Header = "X-Call-Id";

    // Not RandomNumberGenerator: in the static binary its first use dlopens a crypto library into a
    // process with a statically linked libc, which corrupts thread-local state and crashes later.
    private static readonly ulong ProcessPrefix = (ulong)Random.Shared.NextInt64();
    private static long _counter;

    /// <returns>The id, and whether we generated it (then the function must be told about it explicitly).</returns>
    public static (string Id, bool Generated) From(HttpRequest request)
    {
        var value = request.Headers[Header];
        if (value.Count > 0 && !string.IsNullOrEmpty(value[0]))
            return (value[0]!, false);
        return (Generate(), true);
    }

    /// <summary>UUID layout (8-4-4-4-12 hex digits): the process prefix, then the counter.</summary>
    public static string Generate()
    {
        var counter = (ulong)Interlocked.Increment(ref _counter);
        Span<char> hex = stackalloc char[32];
        ProcessPrefix.TryFormat(hex[..16], out _, "x16");
        counter.TryFormat(hex[16..], out _, "x16");

        Span<char> id = stackalloc char[36];
        var written = 0;
        foreach (var (start, length) in Groups)
        {
            if (written > 0)
                id[written++] = '-';
            hex.Slice(start, length).CopyTo(id[written..]);
            written += length;
        }
        return new string(id);
    }

    private static readonly (int Start, int Length)[] Groups = [(0, 8), (8, 4), (12, 4), (16, 4), (20, 12)];
}
