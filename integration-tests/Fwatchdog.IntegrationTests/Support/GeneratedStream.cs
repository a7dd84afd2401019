using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Fwatchdog.IntegrationTests.Support;

/// <summary>
/// A read-only stream of <see cref="Length"/> pseudo-random bytes made on the fly (so a 1 GiB
/// request body never exists in memory) that hashes what it hands out: once read to the end,
/// <see cref="Sha512Hex"/> is the SHA-512 of everything that was sent.
/// </summary>
public sealed class GeneratedStream(long length, ulong seed = 0x9E3779B97F4A7C15) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
    private ulong _state = seed;
    private long _position;
    private string? _digest;

    public string Sha512Hex => _digest ?? throw new InvalidOperationException($"only {_position} of {length} bytes read so far");

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        Span<byte> word = stackalloc byte[8];
        for (var i = 0; i < count; i += 8)
        {
            // xorshift64: cheap and incompressible. A word cut short by a small buffer loses its
            // tail; that changes the bytes, not the check, since the hash covers what was sent.
            _state ^= _state << 13; _state ^= _state >> 7; _state ^= _state << 17;
            BinaryPrimitives.WriteUInt64LittleEndian(word, _state);
            word[..Math.Min(8, count - i)].CopyTo(buffer[i..]);
        }
        _hash.AppendData(buffer[..count]);
        _position += count;
        if (_position == length && _digest is null) _digest = Convert.ToHexStringLower(_hash.GetHashAndReset());
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
