namespace Fwatchdog.Proxy.Forwarding;

/// <summary>
/// Reads a chunked body (RFC 9112 §7.1) from the front of whatever bytes have arrived, strictly: a
/// size is 1–16 hex digits that fit in 63 bits, optionally followed by extensions (ignored); its data
/// must be followed by exactly CRLF (or LF); trailer fields are read and dropped. Lines are bounded,
/// so a server cannot make the forwarder buffer without end.
/// </summary>
internal struct ChunkedDecoder
{
    /// <summary>A size line with its extensions, or one trailer line.</summary>
    private const int MaxLine = 4 * 1024;
    private const int MaxTrailerBytes = 64 * 1024;

    private State _state;
    private long _remaining;
    private int _trailerBytes;

    private enum State : byte { Size, Data, DataEnd, Trailer, Done }

    public readonly bool Done => _state == State.Done;

    /// <summary>
    /// Decodes from the front of <paramref name="input"/>. Returns how many bytes are used up; when
    /// <paramref name="data"/> is not empty it is the chunk data among them (ready to relay). Nothing
    /// used and no data, while not <see cref="Done"/>, means more bytes must arrive first.
    /// </summary>
    /// <exception cref="UpstreamProtocolException">The framing is broken.</exception>
    public int Decode(ReadOnlySpan<byte> input, out Range data)
    {
        var at = 0;
        data = default;
        while (true)
        {
            switch (_state)
            {
                case State.Data:
                    if (_remaining == 0)
                    {
                        _state = State.DataEnd;
                        continue;
                    }
                    var length = (int)Math.Min(_remaining, input.Length - at);
                    if (length == 0)
                        return at;
                    _remaining -= length;
                    data = at..(at + length);
                    return at + length;
                case State.Done:
                    return at;
                default:
                    var lf = input[at..].IndexOf((byte)'\n');
                    if (lf < 0)
                    {
                        if (input.Length - at > MaxLine)
                            throw Broken("a chunk size or trailer line longer than 4 KiB");
                        return at;
                    }
                    if (lf > MaxLine)
                        throw Broken("a chunk size or trailer line longer than 4 KiB"); // the same line refused however it arrives
                    var line = input.Slice(at, lf);
                    at += lf + 1;
                    if (line.Length > 0 && line[^1] == '\r')
                        line = line[..^1];
                    if (line.Contains((byte)'\r'))
                        throw Broken("a bare CR in the chunked framing");
                    Line(line);
                    break;
            }
        }
    }

    private void Line(ReadOnlySpan<byte> line)
    {
        switch (_state)
        {
            case State.DataEnd:
                if (!line.IsEmpty)
                    throw Broken("chunk data longer than its size (no CRLF where the chunk ended)");
                _state = State.Size;
                return;
            case State.Size:
                _remaining = SizeOf(line);
                _state = _remaining == 0 ? State.Trailer : State.Data;
                return;
            case State.Trailer:
                if (line.IsEmpty)
                {
                    _state = State.Done;
                    return;
                }
                _trailerBytes += line.Length;
                if (_trailerBytes > MaxTrailerBytes)
                    throw Broken("trailer fields longer than 64 KiB");
                return;
        }
    }

    private static long SizeOf(ReadOnlySpan<byte> line)
    {
        var extensions = line.IndexOf((byte)';');
        var digits = (extensions < 0 ? line : line[..extensions]).TrimEnd(" \t"u8);
        if (digits.IsEmpty || digits.Length > 16)
            throw Broken($"the chunk size \"{ResponseHeadParser.Printable(line)}\" is not 1 to 16 hex digits");
        long size = 0;
        foreach (var digit in digits)
        {
            var value = digit switch
            {
                >= (byte)'0' and <= (byte)'9' => digit - '0',
                >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
                _ => throw Broken($"the chunk size \"{ResponseHeadParser.Printable(line)}\" is not hexadecimal"),
            };
            if (size > (long.MaxValue >> 4))
                throw Broken("a chunk size beyond 63 bits");
            size = (size << 4) | (uint)value;
        }
        return size;
    }

    private static UpstreamProtocolException Broken(string detail) => UpstreamProtocolException.Invalid(UpstreamFault.InvalidChunk, detail);
}
