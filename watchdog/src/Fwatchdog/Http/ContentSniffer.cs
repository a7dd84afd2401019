namespace Fwatchdog.Http;

/// <summary>
/// The Content-Type Go's HTTP server gives an answer that names none: the WHATWG MIME-sniffing
/// table as net/http's <c>DetectContentType</c> implements it (Go 1.19's sniff.go; the table has not
/// changed in the Go releases the watchdogs are built with), so a classic function that prints
/// <c>&lt;html&gt;</c> is served as HTML, as under the classic watchdog. Same signatures, same
/// order, same 512-byte window; pure and allocation-free: every answer is one of the constants.
/// </summary>
public static class ContentSniffer
{
    /// <summary>Go looks at no more than this many bytes of the answer.</summary>
    public const int SniffLength = 512;

    public const string PlainText = "text/plain; charset=utf-8";
    public const string Html = "text/html; charset=utf-8";
    public const string Binary = "application/octet-stream";
    private const string Xml = "text/xml; charset=utf-8";
    private const string Utf16BigEndian = "text/plain; charset=utf-16be";
    private const string Utf16LittleEndian = "text/plain; charset=utf-16le";
    private const string Icon = "image/x-icon";
    private const string Rar = "application/x-rar-compressed";

    // Signatures with bytes outside ASCII, as bytes (a u8 literal would encode them as UTF-8);
    // spans over constant data, compiled into the binary, never allocated.
    private static ReadOnlySpan<byte> Utf8Mark => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> IconSignature => [0x00, 0x00, 0x01, 0x00];
    private static ReadOnlySpan<byte> CursorSignature => [0x00, 0x00, 0x02, 0x00];
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> OggSignature => [0x4F, 0x67, 0x67, 0x53, 0x00];
    private static ReadOnlySpan<byte> MidiSignature => [0x4D, 0x54, 0x68, 0x64, 0x00, 0x00, 0x00, 0x06];
    private static ReadOnlySpan<byte> WebmSignature => [0x1A, 0x45, 0xDF, 0xA3];
    private static ReadOnlySpan<byte> TrueTypeSignature => [0x00, 0x01, 0x00, 0x00];
    private static ReadOnlySpan<byte> GzipSignature => [0x1F, 0x8B, 0x08];
    private static ReadOnlySpan<byte> ZipSignature => [0x50, 0x4B, 0x03, 0x04];
    private static ReadOnlySpan<byte> Rar4Signature => [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x00];
    private static ReadOnlySpan<byte> Rar5Signature => [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00];
    private static ReadOnlySpan<byte> WasmSignature => [0x00, 0x61, 0x73, 0x6D];

    public static string Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length > SniffLength)
            data = data[..SniffLength];
        var firstNonWhitespace = 0;
        while (firstNonWhitespace < data.Length && IsWhitespace(data[firstNonWhitespace]))
            firstNonWhitespace++;
        var afterWhitespace = data[firstNonWhitespace..];

        // The markup signatures alone may follow leading whitespace.
        if (IsHtml(afterWhitespace))
            return Html;
        if (afterWhitespace.StartsWith("<?xml"u8))
            return Xml;

        if (data.StartsWith("%PDF-"u8))
            return "application/pdf";
        if (data.StartsWith("%!PS-Adobe-"u8))
            return "application/postscript";

        // Byte-order marks count only with a fourth byte after the mark's two or three.
        if (data.Length >= 4 && data[0] == 0xFE && data[1] == 0xFF)
            return Utf16BigEndian;
        if (data.Length >= 4 && data[0] == 0xFF && data[1] == 0xFE)
            return Utf16LittleEndian;
        if (data.Length >= 4 && data.StartsWith(Utf8Mark))
            return PlainText;

        if (data.StartsWith(IconSignature) || data.StartsWith(CursorSignature))
            return Icon;
        if (data.StartsWith("BM"u8))
            return "image/bmp";
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
            return "image/gif";
        if (IsRiff(data, "WEBPVP"u8))
            return "image/webp";
        if (data.StartsWith(PngSignature))
            return "image/png";
        if (data.StartsWith(JpegSignature))
            return "image/jpeg";

        if (data.Length >= 12 && data.StartsWith("FORM"u8) && data[8..12].SequenceEqual("AIFF"u8))
            return "audio/aiff";
        if (data.StartsWith("ID3"u8))
            return "audio/mpeg";
        if (data.StartsWith(OggSignature))
            return "application/ogg";
        if (data.StartsWith(MidiSignature))
            return "audio/midi";
        if (IsRiff(data, "AVI "u8))
            return "video/avi";
        if (IsRiff(data, "WAVE"u8))
            return "audio/wave";
        if (IsMp4(data))
            return "video/mp4";
        if (data.StartsWith(WebmSignature))
            return "video/webm";

        // Embedded OpenType: any 34 bytes, then "LP".
        if (data.Length >= 36 && data[34] == (byte)'L' && data[35] == (byte)'P')
            return "application/vnd.ms-fontobject";
        if (data.StartsWith(TrueTypeSignature))
            return "font/ttf";
        if (data.StartsWith("OTTO"u8))
            return "font/otf";
        if (data.StartsWith("ttcf"u8))
            return "font/collection";
        if (data.StartsWith("wOFF"u8))
            return "font/woff";
        if (data.StartsWith("wOF2"u8))
            return "font/woff2";

        if (data.StartsWith(GzipSignature))
            return "application/x-gzip";
        if (data.StartsWith(ZipSignature))
            return "application/zip";
        // RAR 1.5 to 4, and 5: RAR Labs' signatures, which Go follows rather than the spec's.
        if (data.StartsWith(Rar4Signature) || data.StartsWith(Rar5Signature))
            return Rar;
        if (data.StartsWith(WasmSignature))
            return "application/wasm";

        return HasBinaryByte(afterWhitespace) ? Binary : PlainText;
    }

    /// <summary>The spec's whitespace bytes: tab, LF, FF, CR, space (not vertical tab).</summary>
    private static bool IsWhitespace(byte b) => b is (byte)'\t' or (byte)'\n' or 0x0C or (byte)'\r' or (byte)' ';

    private static bool IsHtml(ReadOnlySpan<byte> data) =>
        IsTag(data, "<!DOCTYPE HTML"u8) || IsTag(data, "<HTML"u8) || IsTag(data, "<HEAD"u8) ||
        IsTag(data, "<SCRIPT"u8) || IsTag(data, "<IFRAME"u8) || IsTag(data, "<H1"u8) ||
        IsTag(data, "<DIV"u8) || IsTag(data, "<FONT"u8) || IsTag(data, "<TABLE"u8) ||
        IsTag(data, "<A"u8) || IsTag(data, "<STYLE"u8) || IsTag(data, "<TITLE"u8) ||
        IsTag(data, "<B"u8) || IsTag(data, "<BODY"u8) || IsTag(data, "<BR"u8) ||
        IsTag(data, "<P"u8) || IsTag(data, "<!--"u8);

    /// <summary>
    /// The tag's letters in either case, then a space or '&gt;' (a tag cut off by the window, or
    /// followed by a newline, is not one).
    /// </summary>
    private static bool IsTag(ReadOnlySpan<byte> data, ReadOnlySpan<byte> upperCaseTag)
    {
        if (data.Length < upperCaseTag.Length + 1)
            return false;
        for (var i = 0; i < upperCaseTag.Length; i++)
        {
            var expected = upperCaseTag[i];
            var actual = expected is >= (byte)'A' and <= (byte)'Z' ? (byte)(data[i] & 0xDF) : data[i];
            if (actual != expected)
                return false;
        }
        return data[upperCaseTag.Length] is (byte)' ' or (byte)'>';
    }

    /// <summary>"RIFF", a four-byte size that is not looked at, then the form type.</summary>
    private static bool IsRiff(ReadOnlySpan<byte> data, ReadOnlySpan<byte> form) =>
        data.Length >= 8 + form.Length && data.StartsWith("RIFF"u8) && data.Slice(8, form.Length).SequenceEqual(form);

    /// <summary>
    /// An ISO base media "ftyp" box that fits the window, whose size is a multiple of 4, naming an
    /// "mp4" brand as its major brand or a compatible one (the minor version at offset 12 does not count).
    /// </summary>
    private static bool IsMp4(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12)
            return false;
        var boxSize = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data);
        if (data.Length < boxSize || boxSize % 4 != 0 || !data[4..8].SequenceEqual("ftyp"u8))
            return false;
        for (var brand = 8; brand < boxSize; brand += 4)
        {
            if (brand != 12 && data.Slice(brand, 3).SequenceEqual("mp4"u8))
                return true;
        }
        return false;
    }

    /// <summary>Control bytes no text has: NUL to backspace, vertical tab, 0x0E to 0x1A, 0x1C to 0x1F (ESC is text).</summary>
    private static bool HasBinaryByte(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b <= 0x08 || b == 0x0B || b is >= 0x0E and <= 0x1A || b is >= 0x1C and <= 0x1F)
                return true;
        }
        return false;
    }
}
