using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Fwatchdog.Proxy.Forwarding;

/// <summary>
/// The bytes of one request head (and the body, when it is small and already here), sent to the
/// upstream in one write. Rented from the shared pool; grows for a large head.
/// </summary>
internal sealed class RequestHeadBuffer : IDisposable
{
    private const int InitialSize = 4 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _length;

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    public void Write(ReadOnlySequence<byte> bytes)
    {
        bytes.CopyTo(Reserve(checked((int)bytes.Length)));
        _length += (int)bytes.Length;
    }

    /// <summary>A name or method: ASCII by construction (Kestrel accepted only tokens).</summary>
    public void WriteAscii(string text)
    {
        var written = Encoding.ASCII.GetBytes(text, Reserve(text.Length));
        _length += written;
    }

    /// <summary>A value or target: the bytes Kestrel decoded it from when they were UTF-8.</summary>
    public void WriteUtf8(string text)
    {
        var written = Encoding.UTF8.GetBytes(text, Reserve(Encoding.UTF8.GetMaxByteCount(text.Length)));
        _length += written;
    }

    public void WriteDecimal(long value)
    {
        Utf8Formatter.TryFormat(value, Reserve(20), out var written);
        _length += written;
    }

    /// <summary><c>name: value</c> and CRLF.</summary>
    public void WriteHeader(string name, string value)
    {
        WriteAscii(name);
        Write(": "u8);
        WriteUtf8(value);
        Write("\r\n"u8);
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        return _buffer.AsSpan(_length);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}
