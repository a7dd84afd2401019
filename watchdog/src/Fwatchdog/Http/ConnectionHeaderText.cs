using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Fwatchdog.Http;

/// <summary>
/// A request's Connection header as the client sent it, when Kestrel kept only its option word.
/// Kestrel (HttpHeaders.ParseConnection) swaps a value holding exactly one of close, keep-alive and
/// upgrade for that word alone before the request reaches the watchdog, so for
/// <c>Connection: close, X-Drop</c> the names beside the word — headers a proxy must not forward —
/// would be lost. The text is caught where Kestrel decodes it: the request header encoding selector
/// hands <see cref="Encoding"/> the Connection value alone, on the thread that parses the head,
/// and the request that thread starts next takes it (<see cref="Take"/>), set as a feature of that
/// request (<see cref="Of"/>).
/// </summary>
/// <remarks>
/// Kestrel parses a head and starts its request in one synchronous step when the head arrived
/// whole. A head that came in pieces may be parsed on one thread and started on another: the
/// request then reads Kestrel's word alone, as before, and what was caught is discarded by the
/// next request on that thread unless it too reads as exactly that word. Values without a comma
/// name nothing beside the word and are not kept.
/// </remarks>
internal sealed record ConnectionHeaderText(string Value)
{
    [ThreadStatic]
    private static string? t_decoded;

    /// <summary>For KestrelServerOptions.RequestHeaderEncodingSelector: decodes as <see cref="HeaderEncoding.Values"/> and keeps a list's text.</summary>
    public static Encoding Encoding { get; } = new CatchingEncoding();

    /// <summary>
    /// Call as the request starts, before anything awaits: sets the caught text as the request's
    /// feature when Kestrel kept only its word. Always clears what this thread caught.
    /// </summary>
    public static void Take(HttpContext context)
    {
        var decoded = t_decoded;
        if (decoded is null)
            return;
        t_decoded = null;
        var connection = context.Request.Headers.Connection;
        if (connection.Count == 1 && connection[0] is { } word && IsOptionWord(word) && Lists(decoded, word))
            context.Features.Set(new ConnectionHeaderText(decoded));
    }

    /// <summary>The request's Connection header in full: the caught text, or the header as Kestrel has it.</summary>
    public static StringValues Of(HttpContext context, StringValues connection) =>
        connection.Count == 1 && context.Features.Get<ConnectionHeaderText>() is { } text ? text.Value : connection;

    private static bool IsOptionWord(string value) =>
        value.Equals("close", StringComparison.OrdinalIgnoreCase) || value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
        || value.Equals("upgrade", StringComparison.OrdinalIgnoreCase);

    private static bool Lists(string decoded, string word)
    {
        foreach (var range in decoded.AsSpan().Split(','))
        {
            if (decoded.AsSpan(range).Trim().Equals(word, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary><see cref="HeaderEncoding.Values"/>, keeping the text of a value that is a list on the decoding thread.</summary>
    private sealed class CatchingEncoding : Encoding
    {
        private static readonly Encoding Inner = HeaderEncoding.Values;

        // Kestrel decodes with GetString(ReadOnlySpan<byte>), which counts then fills through the
        // pointer overloads; every filling overload catches, so no path decodes without it.
        public override unsafe int GetCharCount(byte* bytes, int count) => Inner.GetCharCount(bytes, count);

        public override unsafe int GetChars(byte* bytes, int byteCount, char* chars, int charCount) =>
            Caught(new Span<char>(chars, charCount)[..Inner.GetChars(bytes, byteCount, chars, charCount)]);

        public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars) => Caught(chars[..Inner.GetChars(bytes, chars)]);

        public override int GetCharCount(byte[] bytes, int index, int count) => Inner.GetCharCount(bytes, index, count);

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
            Caught(chars.AsSpan(charIndex, Inner.GetChars(bytes, byteIndex, byteCount, chars, charIndex)));

        private static int Caught(ReadOnlySpan<char> text)
        {
            t_decoded = text.Contains(',') ? new string(text) : null;
            return text.Length;
        }

        public override int GetByteCount(char[] chars, int index, int count) => Inner.GetByteCount(chars, index, count);

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
            Inner.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

        public override int GetMaxByteCount(int charCount) => Inner.GetMaxByteCount(charCount);

        public override int GetMaxCharCount(int byteCount) => Inner.GetMaxCharCount(byteCount);
    }
}
