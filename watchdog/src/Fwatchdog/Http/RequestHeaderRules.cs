using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// The request checks Go's HTTP server makes and Kestrel does not, in every mode: a name must be an RFC 9110
/// token (so "Method=DELETE" can never become an environment entry that shadows Http_Method), and
/// a value must hold no control character but tab. Go answers such requests 400; so do we, before
/// anything forks. Bytes above 0x7F stay allowed in values, as in Go.
/// </summary>
public static class RequestHeaderRules
{
    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F");

    /// <returns>Null when every header is acceptable, else one sentence naming the first offending header.</returns>
    public static string? FindViolation(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
        {
            if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(TokenCharacters))
                return $"header name \"{Printable(name)}\" is not a token (letters, digits and !#$%&'*+-.^_`|~ only)";
            foreach (var value in values)
            {
                if (value is not null && HasControlCharacters(value))
                    return $"header {Printable(name)} has a control character in its value";
            }
        }
        return null;
    }

    /// <summary>
    /// Null when the request target as received holds no control character (Kestrel lets 0x01-0x1F
    /// and 0x7F through; Go answers 400), else the sentence that says it does. Percent-encoded ones stay allowed, as in Go.
    /// </summary>
    public static string? FindTargetViolation(string? rawTarget) =>
        rawTarget is not null && HasControlCharacters(rawTarget) ? "the request target has a control character" : null;

    /// <summary>True when <paramref name="value"/> cannot be a header value: a control character other than tab.</summary>
    public static bool HasControlCharacters(ReadOnlySpan<char> value) => value.ContainsAny(ControlCharacters);

    /// <summary>Client text for a log line or an answer: control characters as \xNN, so nothing can forge lines.</summary>
    private static string Printable(string text)
    {
        if (!HasControlCharacters(text))
            return text;
        var printable = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (ControlCharacters.Contains(c))
                printable.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            else
                printable.Append(c);
        }
        return printable.ToString();
    }
}
