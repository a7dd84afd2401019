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

    /// <summary>
    /// The client's id, or a generated one when it sent none or one that cannot be echoed in a
    /// response header (empty, or with control characters), so the function, the log and the
    /// response all carry the same id.
    /// </summary>
    public static string From(HttpRequest request)
    {
        var value = request.Headers[Header];
        return value.Count > 0 && IsUsable(value[0]) ? value[0]! : Generate();
    }

    private static bool IsUsable(string? id) => !string.IsNullOrEmpty(id) && !RequestHeaderRules.HasControlCharacters(id);

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
