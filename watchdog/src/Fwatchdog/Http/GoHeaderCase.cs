namespace Fwatchdog.Http;

/// <summary>Go's textproto.CanonicalMIMEHeaderKey: "x-call-id" → "X-Call-Id". Users' functions read names in this casing.</summary>
public static class GoHeaderCase
{
    public static string Canonicalize(string name)
    {
        if (IsCanonical(name))
            return name;
        return string.Create(name.Length, name, static (span, source) =>
        {
            var upper = true;
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
                upper = c == '-';
            }
        });
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
