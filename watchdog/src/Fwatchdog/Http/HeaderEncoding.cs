using System.Text;
using System.Text.Unicode;

namespace Fwatchdog.Http;

/// <summary>
/// How header bytes become text and back. Kestrel refuses request header values that are not
/// UTF-8 and response header values that are not ASCII; the Go watchdog passes bytes through.
/// Values are read as UTF-8 when they are valid UTF-8 and as Latin-1 (HTTP's historical
/// charset, every byte a character) when not, and written back as UTF-8, so anything a client
/// could send can be handed to the function and echoed without a 400 or a 500.
/// </summary>
public sealed class HeaderEncoding : Encoding
{
    private const char Rejected = '\uFFFD';

    private readonly bool _unsignedDigitsOnly;

    private HeaderEncoding(bool unsignedDigitsOnly) => _unsignedDigitsOnly = unsignedDigitsOnly;

    /// <summary>Request values: UTF-8 when valid, else Latin-1. Response values: UTF-8.</summary>
    public static HeaderEncoding Values { get; } = new(unsignedDigitsOnly: false);

    /// <summary>
    /// Content-Length: Latin-1, except that a sign decodes as U+FFFD where Kestrel parses the value.
    /// Kestrel parses it with long.TryParse, which takes "+3" and "-0"; Go's strconv.ParseUint
    /// refuses both, and so must we (400).
    /// </summary>
    public static HeaderEncoding ContentLength { get; } = new(unsignedDigitsOnly: true);

    /// <summary>For KestrelServerOptions.RequestHeaderEncodingSelector.</summary>
    public static Encoding SelectForRequest(string headerName) =>
        headerName.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ? ContentLength
        : headerName.Equals("Connection", StringComparison.OrdinalIgnoreCase) ? ConnectionHeaderText.Encoding
        : Values;

    /// <summary>For KestrelServerOptions.ResponseHeaderEncodingSelector.</summary>
    public static Encoding SelectForResponse(string headerName) => Values;

    public override int GetCharCount(ReadOnlySpan<byte> bytes) =>
        _unsignedDigitsOnly || !Utf8.IsValid(bytes) ? bytes.Length : UTF8.GetCharCount(bytes);

    /// <summary>
    /// The overload Kestrel parses Content-Length from (into 20 chars, refusing more than 19); the
    /// string for its error message comes through the pointer overload and keeps the sign.
    /// </summary>
    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        if (!_unsignedDigitsOnly)
            return Decode(bytes, chars);
        // A longer value is cut to fit, to be refused as too long rather than throw.
        var written = Latin1.GetChars(bytes[..Math.Min(bytes.Length, chars.Length)], chars);
        chars[..written].Replace('+', Rejected);
        chars[..written].Replace('-', Rejected);
        return written;
    }

    private int Decode(ReadOnlySpan<byte> bytes, Span<char> chars) =>
        !_unsignedDigitsOnly && Utf8.IsValid(bytes) ? UTF8.GetChars(bytes, chars) : Latin1.GetChars(bytes, chars);

    public override int GetByteCount(ReadOnlySpan<char> chars) => UTF8.GetByteCount(chars);

    public override int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes) => UTF8.GetBytes(chars, bytes);

    public override unsafe int GetCharCount(byte* bytes, int count) => GetCharCount(new ReadOnlySpan<byte>(bytes, count));

    public override unsafe int GetChars(byte* bytes, int byteCount, char* chars, int charCount) =>
        Decode(new ReadOnlySpan<byte>(bytes, byteCount), new Span<char>(chars, charCount));

    public override unsafe int GetByteCount(char* chars, int count) => GetByteCount(new ReadOnlySpan<char>(chars, count));

    public override unsafe int GetBytes(char* chars, int charCount, byte* bytes, int byteCount) =>
        GetBytes(new ReadOnlySpan<char>(chars, charCount), new Span<byte>(bytes, byteCount));

    public override int GetCharCount(byte[] bytes, int index, int count) => GetCharCount(bytes.AsSpan(index, count));

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        Decode(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    public override int GetByteCount(char[] chars, int index, int count) => GetByteCount(chars.AsSpan(index, count));

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        GetBytes(chars.AsSpan(charIndex, charCount), bytes.AsSpan(byteIndex));

    public override int GetMaxByteCount(int charCount) => UTF8.GetMaxByteCount(charCount);

    public override int GetMaxCharCount(int byteCount) => byteCount;
}
