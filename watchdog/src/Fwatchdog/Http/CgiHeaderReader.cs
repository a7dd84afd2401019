using System.Globalization;
using System.Text;

namespace Fwatchdog.Http;

/// <summary>
/// Reads a <see cref="CgiResponseHeaders"/> block from the start of a function's output as it
/// arrives, in pieces of any size. Stops at the empty line (the rest is the body), at the first
/// line that is not a valid header (<see cref="Fault"/> names it in one line), or when the block
/// grows past <see cref="MaxBlockBytes"/>.
/// </summary>
internal sealed class CgiHeaderReader
{
    /// <summary>Bounds what the watchdog holds before the body starts; real header blocks are a few hundred bytes.</summary>
    public const int MaxBlockBytes = 64 * 1024;

    private const int ExcerptChars = 40;

    private readonly List<KeyValuePair<string, string>> _fields = [];
    private int? _status;
    private string? _contentType;
    private string? _location;
    private byte[]? _partialLine;
    private int _partialLength;
    private int _blockBytes;
    private int _lineNumber;

    /// <summary>Set once the empty line has been read.</summary>
    public CgiResponseHeaders? Headers { get; private set; }

    /// <summary>Why the output is not a valid header block; set at most once, and then nothing more is read.</summary>
    public string? Fault { get; private set; }

    public bool IsDone => Headers is not null || Fault is not null;

    /// <returns>How many bytes of <paramref name="data"/> belong to the header block; those after it are body.</returns>
    public int Read(ReadOnlySpan<byte> data)
    {
        var consumed = 0;
        while (!IsDone && consumed < data.Length)
        {
            var rest = data[consumed..];
            var newline = rest.IndexOf((byte)'\n');
            var take = newline >= 0 ? newline + 1 : rest.Length;
            if (_blockBytes + take > MaxBlockBytes)
            {
                Fault = $"the header block is longer than {MaxBlockBytes / 1024} KiB";
                return consumed;
            }
            _blockBytes += take;
            consumed += take;
            if (newline < 0)
            {
                Hold(rest);
                break;
            }
            if (_partialLength > 0)
            {
                Hold(rest[..newline]);
                ReadLine(_partialLine.AsSpan(0, _partialLength));
                _partialLength = 0;
            }
            else
            {
                ReadLine(rest[..newline]);
            }
        }
        return consumed;
    }

    /// <summary>The output ended: a block that never reached its empty line is a fault.</summary>
    public void End()
    {
        if (!IsDone)
            Fault = "the output ended before the empty line that ends the header block";
    }

    private void Hold(ReadOnlySpan<byte> bytes)
    {
        var needed = _partialLength + bytes.Length;
        if (_partialLine is null || _partialLine.Length < needed)
            Array.Resize(ref _partialLine, Math.Min(MaxBlockBytes, Math.Max(needed, 2 * (_partialLine?.Length ?? 128))));
        bytes.CopyTo(_partialLine.AsSpan(_partialLength));
        _partialLength = needed;
    }

    private void ReadLine(ReadOnlySpan<byte> line)
    {
        _lineNumber++;
        if (!line.IsEmpty && line[^1] == '\r')
            line = line[..^1];
        if (line.IsEmpty)
        {
            Headers = new CgiResponseHeaders(_status, _contentType, _location, _fields);
            return;
        }
        if (line[0] is (byte)' ' or (byte)'\t')
        {
            Fault = $"line {_lineNumber} starts with a space or tab; folded header lines are not supported";
            return;
        }
        var colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            Fault = $"line {_lineNumber} is not a \"Name: value\" header: \"{Excerpt(line)}\"";
            return;
        }
        var nameBytes = line[..colon];
        if (nameBytes.IsEmpty || !IsToken(nameBytes))
        {
            Fault = $"line {_lineNumber}: \"{Excerpt(nameBytes)}\" is not a valid header name";
            return;
        }
        var name = Encoding.ASCII.GetString(nameBytes);
        var valueBytes = line[(colon + 1)..].Trim(" \t"u8);
        if (!IsFieldValue(valueBytes))
        {
            Fault = $"line {_lineNumber}: the value of {name} holds a control or non-ASCII character";
            return;
        }
        Accept(name, Encoding.ASCII.GetString(valueBytes));
    }

    private void Accept(string name, string value)
    {
        if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
        {
            if (_status is not null)
                Fault = $"line {_lineNumber}: Status is given twice";
            else if (ParseStatus(value) is { } status)
                _status = status;
            else
                Fault = $"line {_lineNumber}: Status \"{Excerpt(value)}\" is not a code from 200 to 599 with an optional reason";
        }
        else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            if (_contentType is not null)
                Fault = $"line {_lineNumber}: Content-Type is given twice";
            else
                _contentType = value;
        }
        else if (name.Equals("Location", StringComparison.OrdinalIgnoreCase))
        {
            if (_location is not null)
                Fault = $"line {_lineNumber}: Location is given twice";
            else
                _location = value;
        }
        else if (!CgiResponseHeaders.IsOwnedByWatchdog(name))
        {
            _fields.Add(new(name, value));
        }
    }

    /// <summary>"201" or "201 Created": three digits, a final status (not 1xx), then a space and a reason or nothing.</summary>
    private static int? ParseStatus(string value)
    {
        if (value.Length < 3 || (value.Length > 3 && value[3] != ' '))
            return null;
        if (!int.TryParse(value.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            return null;
        return code is >= 200 and <= 599 ? code : null;
    }

    /// <summary>RFC 9110 token: the characters a header name may have.</summary>
    private static bool IsToken(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || "!#$%&'*+-.^_`|~"u8.Contains(b)))
                return false;
        }
        return true;
    }

    /// <summary>Visible ASCII, spaces and tabs: what Kestrel sends in a header value.</summary>
    private static bool IsFieldValue(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b is not ((>= 0x20 and <= 0x7E) or (byte)'\t'))
                return false;
        }
        return true;
    }

    private static string Excerpt(ReadOnlySpan<byte> bytes) => Excerpt(Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, ExcerptChars + 1)]));

    /// <summary>The start of what the function wrote, printable and short enough for one log line.</summary>
    private static string Excerpt(string text)
    {
        var builder = new StringBuilder(ExcerptChars + 1);
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, ExcerptChars)))
            builder.Append(c is >= ' ' and <= '~' && c != '"' ? c : '?');
        if (text.Length > ExcerptChars)
            builder.Append('…');
        return builder.ToString();
    }
}
