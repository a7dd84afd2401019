using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Fwatchdog.Testing;

/// <summary>
/// A read-only stream of <c>length</c> pseudo-random bytes generated on the fly (nothing is held
/// in memory), hashing what it hands out so a test can compare against what the function saw.
/// The same seed always yields the same bytes.
/// </summary>
public sealed class PatternStream : Stream
{
    private readonly long _length;
    private readonly IncrementalHash _hash;
    private long _position;
    private ulong _state;

    public PatternStream(long length, ulong seed = 0x9E3779B97F4A7C15, HashAlgorithmName? hash = null)
    {
        _length = length;
        _state = seed == 0 ? 1 : seed;
        _hash = IncrementalHash.CreateHash(hash ?? HashAlgorithmName.SHA512);
    }

    /// <summary>Materialises a pattern for small payloads.</summary>
    public static byte[] Bytes(int length, ulong seed = 0x9E3779B97F4A7C15)
    {
        using var stream = new PatternStream(length, seed);
        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>
    /// Lower-case hex digest of every byte read so far. Call once, after the stream is consumed;
    /// it works after disposal because HttpClient may dispose request content once sent.
    /// </summary>
    public string HashHex()
    {
        var digest = Convert.ToHexStringLower(_hash.GetHashAndReset());
        _hash.Dispose();
        return digest;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _length - _position);
        var chunk = buffer[..n];
        var i = 0;
        while (i < n)
        {
            var offsetInWord = (int)((_position + i) % 8);
            if (offsetInWord == 0)
                Advance();
            if (offsetInWord == 0 && n - i >= 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(chunk[i..], _state);
                i += 8;
            }
            else
            {
                chunk[i] = (byte)(_state >> (8 * offsetInWord));
                i++;
            }
        }
        _hash.AppendData(chunk);
        _position += n;
        return n;
    }

    // xorshift64: cheap and good enough to defeat any accidental compression or dedup.
    private void Advance()
    {
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
