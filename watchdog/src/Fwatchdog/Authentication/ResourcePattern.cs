namespace Fwatchdog.Authentication;

/// <summary>
/// The <c>permissions</c> and <c>audience</c> entries of a function token: a function reference
/// (<c>namespace:name</c>) where <c>*</c> stands for any run of characters. A pattern matches the
/// WHOLE reference: the Go middleware turns <c>*</c> into <c>.*</c> but never anchors the regular
/// expression, so there <c>openfaas-fn:ech</c> grants <c>openfaas-fn:echo</c> and <c>dev:fn</c>
/// grants <c>dev:fn-admin</c>. Here neither does.
/// </summary>
public static class ResourcePattern
{
    /// <summary>Glob matching with <c>*</c> only, linear in practice: each star remembers where to resume.</summary>
    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> reference)
    {
        int p = 0, r = 0, star = -1, resume = 0;
        while (r < reference.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = r;
            }
            else if (p < pattern.Length && pattern[p] == reference[r])
            {
                p++;
                r++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                r = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    /// <summary>
    /// The Go middleware's rule for a token's function claim: some permission must match (required),
    /// and the audience, when the token lists one, must match too.
    /// </summary>
    public static bool Authorizes(IReadOnlyList<string> permissions, IReadOnlyList<string> audience, string reference) =>
        AnyMatches(permissions, reference) && (audience.Count == 0 || AnyMatches(audience, reference));

    private static bool AnyMatches(IReadOnlyList<string> patterns, string reference)
    {
        foreach (var pattern in patterns)
        {
            if (Matches(pattern, reference))
                return true;
        }
        return false;
    }
}
