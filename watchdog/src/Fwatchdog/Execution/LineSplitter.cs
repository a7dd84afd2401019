using System.Buffers;
using System.Text;

namespace Fwatchdog.Execution;

/// <summary>
/// Turns a byte stream into lines for the log. A line longer than <c>log_buffer_size</c> bytes is
/// logged in pieces, each but the last ending with <see cref="ContinuedMarker"/>: nothing is dropped
/// (the of-watchdog stops logging at such a line), and a function that writes megabytes without a
/// newline cannot grow our memory past one piece. Pieces are cut between UTF-8 characters.
/// </summary>
internal sealed class LineSplitter(int maxLineBytes, Action<string> line) : IDisposable
{
    public const string ContinuedMarker = " [line continues: longer than log_buffer_size]";

    private const int InitialBufferBytes = 4096;
    private const int MaxUtf8SequenceBytes = 4;

    // Only a line that arrives in several reads, or is too long, is copied; rented on first need.
    private byte[]? _pending;
    private int _pendingLength;

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            var take = newline >= 0 ? newline : data.Length;
            if (_pendingLength == 0 && newline >= 0 && take <= maxLineBytes)
            {
                Emit(data[..take]);
                data = data[(newline + 1)..];
                continue;
            }
            var room = maxLineBytes - _pendingLength;
            if (take > room)
            {
                Hold(data[..room]);
                EmitPiece();
                data = data[room..];
                continue;
            }
            Hold(data[..take]);
            if (newline < 0)
                return;
            EmitPending();
            data = data[(newline + 1)..];
        }
    }

    public void Flush()
    {
        if (_pendingLength > 0)
            EmitPending();
    }

    public void Dispose()
    {
        if (_pending is { } pending)
            ArrayPool<byte>.Shared.Return(pending);
        _pending = null;
        _pendingLength = 0;
    }

    private void Hold(ReadOnlySpan<byte> data)
    {
        var needed = _pendingLength + data.Length;
        if (_pending is null || _pending.Length < needed)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Min(maxLineBytes, Math.Max(needed, Math.Max(InitialBufferBytes, (_pending?.Length ?? 0) * 2))));
            if (_pending is { } old)
            {
                old.AsSpan(0, _pendingLength).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(old);
            }
            _pending = grown;
        }
        data.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength = needed;
    }

    private void EmitPending()
    {
        Emit(_pending.AsSpan(0, _pendingLength));
        _pendingLength = 0;
    }

    /// <summary>Logs the held bytes up to the last whole character, marked as continued, and keeps the rest.</summary>
    private void EmitPiece()
    {
        var held = _pending.AsSpan(0, _pendingLength);
        var cut = WholeCharactersLength(held);
        line(Encoding.UTF8.GetString(held[..cut]) + ContinuedMarker);
        held[cut..].CopyTo(held);
        _pendingLength -= cut;
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty && bytes[^1] == '\r')
            bytes = bytes[..^1];
        line(Encoding.UTF8.GetString(bytes));
    }

    /// <summary>
    /// The length of <paramref name="bytes"/> without a UTF-8 sequence cut off at its end. A limit
    /// smaller than one character still makes progress: the bytes are then cut where they are.
    /// </summary>
    private static int WholeCharactersLength(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(MaxUtf8SequenceBytes, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0b1100_0000) == 0b1000_0000)
                continue; // a continuation byte: look for the sequence's lead byte
            var sequence = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
            var whole = sequence <= back ? bytes.Length : bytes.Length - back;
            return whole > 0 ? whole : bytes.Length;
        }
        return bytes.Length;
    }
}
