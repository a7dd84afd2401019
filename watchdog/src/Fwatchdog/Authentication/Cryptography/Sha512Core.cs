using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// The SHA-512 compression function and padding (FIPS 180-4 §4.1.3, §5.1.2, §6.4), shared by
/// SHA-384, which differs only in its initial hash value and in keeping the leftmost 384 bits (§6.5).
/// </summary>
// SkipLocalsInit: every stack buffer here is written before it is read, so the runtime's zeroing
// of each stackalloc would only add cost to every operation.
[SkipLocalsInit]
internal static class Sha512Core
{
    private const int BlockLength = 128;
    private const int LengthFieldBytes = 16;

    /// <summary>K: the first 64 bits of the fractional parts of the cube roots of the first 80 primes
    /// (FIPS 180-4 §4.2.3). A test recomputes them from that definition.</summary>
    internal static ReadOnlySpan<ulong> RoundConstants =>
    [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
        0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
        0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
        0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
        0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
        0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
        0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
        0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
        0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
        0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
        0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
        0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
        0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
        0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
        0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
        0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
        0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ];

    /// <summary>SHA-512's H(0): the first 64 bits of the fractional parts of the square roots of
    /// the first 8 primes (FIPS 180-4 §5.3.5).</summary>
    internal static ReadOnlySpan<ulong> InitialHash512 =>
    [
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
    ];

    /// <summary>SHA-384's H(0): the same for the 9th to 16th primes (FIPS 180-4 §5.3.4).</summary>
    internal static ReadOnlySpan<ulong> InitialHash384 =>
    [
        0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
        0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4,
    ];

    /// <summary>
    /// Hashes <paramref name="data"/> from <paramref name="initialHash"/> and writes the leftmost
    /// <c>destination.Length</c> bytes of the final hash value (64 for SHA-512, 48 for SHA-384).
    /// </summary>
    public static void Hash(ReadOnlySpan<ulong> initialHash, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<ulong> state = stackalloc ulong[8];
        initialHash.CopyTo(state);

        var wholeBlocks = data.Length - data.Length % BlockLength;
        Compress(state, data[..wholeBlocks]);

        // §5.1.2: the message, a 1 bit, zeros, and the length in bits as 128 bits big-endian. A span
        // is under 2^31 bytes, so the length's upper 64 bits stay zero.
        var rest = data[wholeBlocks..];
        Span<byte> tail = stackalloc byte[2 * BlockLength];
        tail.Clear();
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length + 1 + LengthFieldBytes <= BlockLength ? BlockLength : 2 * BlockLength;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailLength - 8)..], (ulong)data.Length * 8);
        Compress(state, tail[..tailLength]);

        for (var i = 0; i < destination.Length / 8; i++)
            BinaryPrimitives.WriteUInt64BigEndian(destination[(8 * i)..], state[i]);
    }

    /// <summary>Runs the compression function (§6.4.2) over whole 128-byte blocks.</summary>
    private static void Compress(Span<ulong> state, ReadOnlySpan<byte> blocks)
    {
        var k = RoundConstants;
        Span<ulong> w = stackalloc ulong[80];
        for (; !blocks.IsEmpty; blocks = blocks[BlockLength..])
        {
            // Step 1: the message schedule.
            for (var t = 0; t < 16; t++)
                w[t] = BinaryPrimitives.ReadUInt64BigEndian(blocks[(8 * t)..]);
            for (var t = 16; t < 80; t++)
                w[t] = SmallSigma1(w[t - 2]) + w[t - 7] + SmallSigma0(w[t - 15]) + w[t - 16];

            // Steps 2-4.
            ulong a = state[0], b = state[1], c = state[2], d = state[3];
            ulong e = state[4], f = state[5], g = state[6], h = state[7];
            for (var t = 0; t < 80; t++)
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

    // §4.1.3.
    private static ulong Ch(ulong x, ulong y, ulong z) => (x & y) ^ (~x & z);
    private static ulong Maj(ulong x, ulong y, ulong z) => (x & y) ^ (x & z) ^ (y & z);
    private static ulong BigSigma0(ulong x) => BitOperations.RotateRight(x, 28) ^ BitOperations.RotateRight(x, 34) ^ BitOperations.RotateRight(x, 39);
    private static ulong BigSigma1(ulong x) => BitOperations.RotateRight(x, 14) ^ BitOperations.RotateRight(x, 18) ^ BitOperations.RotateRight(x, 41);
    private static ulong SmallSigma0(ulong x) => BitOperations.RotateRight(x, 1) ^ BitOperations.RotateRight(x, 8) ^ (x >> 7);
    private static ulong SmallSigma1(ulong x) => BitOperations.RotateRight(x, 19) ^ BitOperations.RotateRight(x, 61) ^ (x >> 6);
}
