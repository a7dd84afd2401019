namespace Fwatchdog.Http;

/// <summary>Go's textproto.CanonicalMIMEHeaderKey: "x-call-id" → "X-Call-Id". Users' functions read names in this casing.</summary>
public static class GoHeaderCase
{
    public static string Canonicalize(string name) =>
        IsCanonical(name) ? name : string.Create(name.Length, name, static (span, source) => Canonicalize(source, span));

    /// <summary>Writes the canonical form of <paramref name="name"/> into <paramref name="destination"/> (same length).</summary>
    public static void Canonicalize(ReadOnlySpan<char> name, Span<char> destination)
    {
        var upper = true;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            destination[i] = upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            upper = c == '-';
        }
    }

    private static bool IsCanonical(string name)
    {
        var upper = true;
        foreach (var c in name)
        {
            if (upper ? char.IsAsciiLetterLower(c) : char.IsAsciiLetterUpper(c))
                return false;
            upper = c == '-';
        }
        return true;
    }
}
