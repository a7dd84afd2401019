using Microsoft.AspNetCore.WebUtilities;

namespace Fwatchdog.Proxy;

/// <summary>
/// "200 OK": a status code and its reason phrase as Go's client keeps them (res.Status, the status
/// line after the protocol), the phrase the upstream sent — "200" alone when it sent none.
/// Each code keeps the last text made for it, so an upstream's phrases cost nothing after the
/// first call; a different phrase for the same code replaces it (a harmless race: both are right).
/// </summary>
public static class UpstreamStatusText
{
    private static readonly StatusText?[] s_last = new StatusText?[1000];

    /// <param name="reasonPhrase">The upstream's phrase; null for an answer the watchdog made itself (Kestrel's standard phrase).</param>
    public static string Of(int status, string? reasonPhrase)
    {
        reasonPhrase ??= ReasonPhrases.GetReasonPhrase(status);
        if (status is < 0 or >= 1000)
            return Make(status, reasonPhrase);
        if (s_last[status] is { } last && string.Equals(last.Phrase, reasonPhrase, StringComparison.Ordinal))
            return last.Text;
        var text = Make(status, reasonPhrase);
        s_last[status] = new StatusText(reasonPhrase, text);
        return text;
    }

    private static string Make(int status, string reasonPhrase) =>
        reasonPhrase.Length == 0
            ? status.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{status} {reasonPhrase}");

    private sealed record StatusText(string Phrase, string Text);
}
