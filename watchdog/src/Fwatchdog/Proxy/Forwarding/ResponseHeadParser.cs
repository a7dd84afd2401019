using System.Buffers;
using System.Text;

namespace Fwatchdog.Proxy.Forwarding;

/// <summary>
/// A strict parser for the function's response heads (RFC 9112 §4–§6). The upstream is the
/// function's code and one connection carries many calls, so anything that two parsers could read
/// two ways is refused rather than guessed at: a bare CR, a space before a colon, a folded line,
/// Content-Length values that disagree or are not plain digits, any Transfer-Encoding but one
/// <c>chunked</c> (Go's client accepts no other either). A line may end in a bare LF, as Go's and
/// .NET's clients accept (RFC 9112 §2.2): the head is re-framed before it reaches the client, so
/// that reading cannot be smuggled through.
/// </summary>
internal static class ResponseHeadParser
{
    /// <summary>Status line and headers together, as SocketsHttpHandler's limit was (Go's client allows 10 MB).</summary>
    public const int MaxHeadBytes = 1024 * 1024;

    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Control characters other than tab: never in a header value or a reason phrase.</summary>
    private static readonly SearchValues<byte> ControlBytes = SearchValues.Create(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0A\x0B\x0C\x0D\x0E\x0F\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A\x1B\x1C\x1D\x1E\x1F\x7F"u8);

    /// <summary>
    /// Where the head that starts <paramref name="data"/> ends (just past its empty line), or -1 when
    /// it has not all arrived. <paramref name="from"/> skips bytes already searched: pass the previous
    /// length less 2, since an end split across two reads starts at most 2 bytes before the new ones.
    /// </summary>
    public static int FindEnd(ReadOnlySpan<byte> data, int from)
    {
        var at = Math.Max(from, 0);
        while (at < data.Length)
        {
            var lf = data[at..].IndexOf((byte)'\n');
            if (lf < 0)
                return -1;
            lf += at;
            if (lf + 1 < data.Length && data[lf + 1] == '\n')
                return lf + 2;
            if (lf + 2 < data.Length && data[lf + 1] == '\r' && data[lf + 2] == '\n')
                return lf + 3;
            at = lf + 1;
        }
        return -1;
    }

    /// <summary>Parses a whole head (as delimited by <see cref="FindEnd"/>) into <paramref name="head"/>.</summary>
    /// <exception cref="UpstreamProtocolException">The head breaks HTTP/1.1; the message says where.</exception>
    public static void Parse(ReadOnlySpan<byte> data, ResponseHead head, HeaderStrings strings)
    {
        head.Reset();
        var rest = data;
        ParseStatusLine(NextLine(ref rest, UpstreamFault.InvalidStatusLine), head, strings);
        List<string>? named = null;
        for (var index = 0; ; index++)
        {
            var line = NextLine(ref rest, UpstreamFault.InvalidHeader);
            if (line.IsEmpty)
                break;
            ParseHeader(line, index, head, strings, ref named);
        }
        if (named is not null)
            head.RemoveNamed(named);
    }

    private static ReadOnlySpan<byte> NextLine(ref ReadOnlySpan<byte> rest, UpstreamFault fault)
    {
        var lf = rest.IndexOf((byte)'\n');
        if (lf < 0)
            throw UpstreamProtocolException.Invalid(fault, "the head does not end in an empty line");
        var line = rest[..lf];
        rest = rest[(lf + 1)..];
        if (line.Length > 0 && line[^1] == '\r')
            line = line[..^1];
        if (line.Contains((byte)'\r'))
            throw UpstreamProtocolException.Invalid(fault, $"a bare CR in the line \"{Printable(line)}\"");
        return line;
    }

    /// <summary><c>HTTP/1.1 200 OK</c>, or <c>HTTP/1.1 200</c> with no reason, as Go's client accepts.</summary>
    private static void ParseStatusLine(ReadOnlySpan<byte> line, ResponseHead head, HeaderStrings strings)
    {
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[7] is not ((byte)'0' or (byte)'1') || line[8] != ' '
            || !IsDigit(line[9]) || !IsDigit(line[10]) || !IsDigit(line[11]) || line[9] == '0'
            || (line.Length > 12 && line[12] != ' '))
        {
            throw UpstreamProtocolException.Invalid(UpstreamFault.InvalidStatusLine,
                $"the status line \"{Printable(line)}\" is not HTTP/1.1 followed by a three-digit status");
        }
        head.Http10 = line[7] == '0';
        head.Status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        var reason = line.Length > 12 ? line[13..] : default;
        if (reason.ContainsAny(ControlBytes))
            throw UpstreamProtocolException.Invalid(UpstreamFault.InvalidStatusLine, "a control character in the status line's reason phrase");
        head.Reason = strings.Reason(reason);
    }

    private static void ParseHeader(ReadOnlySpan<byte> line, int index, ResponseHead head, HeaderStrings strings, ref List<string>? named)
    {
        if (line[0] is (byte)' ' or (byte)'\t')
            throw UpstreamProtocolException.Invalid(UpstreamFault.InvalidHeader, "a folded header line (obs-fold), which HTTP/1.1 no longer allows");
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
            throw UpstreamProtocolException.Invalid(UpstreamFault.InvalidHeader, $"the header line \"{Printable(line)}\" has no name and colon");
        var name = line[..colon];
        if (name.ContainsAnyExcept(TokenBytes))
        {
            throw UpstreamProtocolException.Invalid(UpstreamFault.InvalidHeader, name[^1] is (byte)' ' or (byte)'\t'
                ? $"whitespace before the colon of the header \"{Printable(name.TrimEnd(" \t"u8))}\""
                : $"the header name \"{Printable(name)}\" is not a token");
        }
        var value = line[(colon + 1)..].Trim(" \t"u8);
        if (value.ContainsAny(ControlBytes))
            throw new UpstreamProtocolException(UpstreamFault.ControlCharacter, $"the function's server sent a control character in its {Encoding.ASCII.GetString(name)} header");

        switch (name.Length)
        {
            case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                head.ContentLength = ContentLengthOf(value, head.ContentLength);
                return;
            case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                if (head.Chunked)
                    throw UpstreamProtocolException.Invalid(UpstreamFault.UnsupportedTransferEncoding, "two Transfer-Encoding headers");
                if (!Ascii.EqualsIgnoreCase(value, "chunked"u8))
                    throw UpstreamProtocolException.Invalid(UpstreamFault.UnsupportedTransferEncoding,
                        $"Transfer-Encoding \"{Printable(value)}\" (only \"chunked\" is supported)");
                head.Chunked = true;
                return;
            case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                ReadConnection(value, head, ref named);
                return;
            case 7 when Ascii.EqualsIgnoreCase(name, "Upgrade"u8):
                head.Upgrade = strings.Value(value, index);
                return;
        }
        var text = strings.Name(name, index);
        if (!HopByHopHeaders.Contains(text))
            head.Add(text, strings.Value(value, index));
    }

    /// <summary>One unsigned decimal, or a list of the same one ("5, 5"); copies must agree (RFC 9110 §8.6).</summary>
    private static long ContentLengthOf(ReadOnlySpan<byte> value, long earlier)
    {
        var length = earlier;
        foreach (var range in value.Split((byte)','))
        {
            var item = value[range].Trim(" \t"u8);
            if (item.IsEmpty || item.Length > 18 || item.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
                throw UpstreamProtocolException.Invalid(UpstreamFault.InvalidContentLength, $"Content-Length \"{Printable(value)}\" is not an unsigned number");
            long parsed = 0;
            foreach (var digit in item)
                parsed = parsed * 10 + (digit - '0');
            if (length != ResponseHead.NoLength && parsed != length)
                throw UpstreamProtocolException.Invalid(UpstreamFault.InvalidContentLength, $"two different Content-Length values ({length} and {parsed})");
            length = parsed;
        }
        return length;
    }

    private static void ReadConnection(ReadOnlySpan<byte> value, ResponseHead head, ref List<string>? named)
    {
        foreach (var range in value.Split((byte)','))
        {
            var token = value[range].Trim(" \t"u8);
            if (token.IsEmpty)
                continue;
            if (Ascii.EqualsIgnoreCase(token, "close"u8))
                head.Close = true;
            else if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8))
                head.KeepAlive = true;
            else
                (named ??= []).Add(Encoding.Latin1.GetString(token));
        }
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    /// <summary>Bytes for a message a person reads: the first 80, anything but printable ASCII as \xNN.</summary>
    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(Math.Min(bytes.Length, 80) + 8);
        foreach (var b in bytes.Length > 80 ? bytes[..80] : bytes)
        {
            if (b is >= 0x20 and < 0x7F && b != '"' && b != '\\')
                text.Append((char)b);
            else
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}");
        }
        if (bytes.Length > 80)
            text.Append("...");
        return text.ToString();
    }
}
