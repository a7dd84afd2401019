using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>The SHA-256 compression function and padding (FIPS 180-4 §4.1.2, §5.1.1, §6.2).</summary>
// SkipLocalsInit: every stack buffer here is written before it is read, so the runtime's zeroing
// of each stackalloc would only add cost to every operation.
[SkipLocalsInit]
internal static class Sha256Core
{
    private const int BlockLength = 64;
    private const int LengthFieldBytes = 8;

    /// <summary>K: the first 32 bits of the fractional parts of the cube roots of the first 64 primes
    /// (FIPS 180-4 §4.2.2). A test recomputes them from that definition.</summary>
    internal static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>H(0): the first 32 bits of the fractional parts of the square roots of the first 8
    /// primes (FIPS 180-4 §5.3.3).</summary>
    internal static ReadOnlySpan<uint> InitialHash =>
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    /// <summary>Writes the 32-byte digest of <paramref name="data"/> to <paramref name="destination"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<uint> state = stackalloc uint[8];
        InitialHash.CopyTo(state);

        var wholeBlocks = data.Length - data.Length % BlockLength;
        Compress(state, data[..wholeBlocks]);

        // §5.1.1: the message, a 1 bit, zeros, and the length in bits as 64 bits big-endian, filling
        // one block, or two when fewer than 9 bytes are left after the message's last bytes.
        var rest = data[wholeBlocks..];
        Span<byte> tail = stackalloc byte[2 * BlockLength];
        tail.Clear();
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length + 1 + LengthFieldBytes <= BlockLength ? BlockLength : 2 * BlockLength;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailLength - LengthFieldBytes)..], (ulong)data.Length * 8);
        Compress(state, tail[..tailLength]);

        for (var i = 0; i < state.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(destination[(4 * i)..], state[i]);
    }

    /// <summary>Runs the compression function (§6.2.2) over whole 64-byte blocks.</summary>
    private static void Compress(Span<uint> state, ReadOnlySpan<byte> blocks)
    {
        var k = RoundConstants;
        Span<uint> w = stackalloc uint[64];
        for (; !blocks.IsEmpty; blocks = blocks[BlockLength..])
        {
            // Step 1: the message schedule.
            for (var t = 0; t < 16; t++)
                w[t] = BinaryPrimitives.ReadUInt32BigEndian(blocks[(4 * t)..]);
            for (var t = 16; t < 64; t++)
                w[t] = SmallSigma1(w[t - 2]) + w[t - 7] + SmallSigma0(w[t - 15]) + w[t - 16];

            // Steps 2-4.
            uint a = state[0], b = state[1], c = state[2], d = state[3];
            uint e = state[4], f = state[5], g = state[6], h = state[7];
            for (var t = 0; t < 64; t++)
            {
                var t1 = h + BigSigma1(e) + Ch(e, f, g) + k[t] + w[t];
                var t2 = BigSigma0(a) + Maj(a, b, c);
                h = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }
            state[0] += a; state[1] += b; state[2] += c; state[3] += d;
            state[4] += e; state[5] += f; state[6] += g; state[7] += h;
        }
    }

    // §4.1.2.
    private static uint Ch(uint x, uint y, uint z) => (x & y) ^ (~x & z);
    private static uint Maj(uint x, uint y, uint z) => (x & y) ^ (x & z) ^ (y & z);
    private static uint BigSigma0(uint x) => BitOperations.RotateRight(x, 2) ^ BitOperations.RotateRight(x, 13) ^ BitOperations.RotateRight(x, 22);
    private static uint BigSigma1(uint x) => BitOperations.RotateRight(x, 6) ^ BitOperations.RotateRight(x, 11) ^ BitOperations.RotateRight(x, 25);
    private static uint SmallSigma0(uint x) => BitOperations.RotateRight(x, 7) ^ BitOperations.RotateRight(x, 18) ^ (x >> 3);
    private static uint SmallSigma1(uint x) => BitOperations.RotateRight(x, 17) ^ BitOperations.RotateRight(x, 19) ^ (x >> 10);
}
