using System.Numerics;
using System.Runtime.CompilerServices;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// An RSA public key that verifies RSASSA-PKCS1-v1_5 signatures (RFC 8017 §8.2.2), the JWS
/// algorithms RS256, RS384 and RS512 (RFC 7518 §3.3). Managed code only: System.Security.Cryptography
/// needs libssl, which the watchdog's scratch image does not have.
/// </summary>
/// <remarks>
/// s^e mod n is computed in Montgomery form (<see cref="MontgomeryModulus"/>): BigInteger.ModPow
/// took 170 µs and 560 bytes of garbage per 2048-bit verification, this about 110 µs and none.
/// An instance is immutable, so one key can verify on any number of threads at once.
/// Keys and signatures are public, so nothing here is constant-time; that is only needed where a
/// secret is involved (signing, decryption).
/// </remarks>
// SkipLocalsInit: every stack buffer here is written before it is read, so the runtime's zeroing
// of each stackalloc would only add cost to every operation.
[SkipLocalsInit]
public sealed class RsaPublicKey
{
    /// <summary>RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used".</summary>
    public const int MinModulusBits = 2048;

    /// <summary>An upper bound on the work one verification can cost (for a given exponent, the
    /// exponentiation's time grows with the square of the modulus size); no real key is larger.</summary>
    public const int MaxModulusBits = 16384;

    private readonly MontgomeryModulus _modulus;

    // e as unsigned big-endian bytes, the form the exponentiation reads it in.
    private readonly byte[] _exponent;

    /// <summary>
    /// The key from its modulus <c>n</c> and public exponent <c>e</c>, each an unsigned big-endian
    /// integer: the JWK members "n" and "e" after base64url decoding (RFC 7518 §6.3.1).
    /// </summary>
    /// <exception cref="ArgumentException">The key is too small, too large, or not a valid RSA key.</exception>
    public RsaPublicKey(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent)
    {
        var n = new BigInteger(modulus, isUnsigned: true, isBigEndian: true);
        var e = new BigInteger(exponent, isUnsigned: true, isBigEndian: true);
        ModulusBits = (int)n.GetBitLength();

        if (ModulusBits < MinModulusBits)
            throw new ArgumentException(
                $"The RSA key's modulus is {ModulusBits} bits; JWS requires at least {MinModulusBits} (RFC 7518 §3.3).",
                nameof(modulus));
        if (ModulusBits > MaxModulusBits)
            throw new ArgumentException(
                $"The RSA key's modulus is {ModulusBits} bits; keys over {MaxModulusBits} bits are not accepted.",
                nameof(modulus));
        // n is the product of odd primes (RFC 8017 §3.1); an even n is not an RSA modulus.
        if (n.IsEven)
            throw new ArgumentException("The RSA key's modulus is even, so it is not an RSA modulus.", nameof(modulus));
        // RFC 8017 §3.1: 3 <= e <= n - 1, and e is coprime to (p-1)(q-1), which is even, so e is odd.
        if (e < 3)
            throw new ArgumentException($"The RSA key's public exponent is {e}; it must be at least 3.", nameof(exponent));
        if (e.IsEven)
            throw new ArgumentException($"The RSA key's public exponent is even ({e}); it must be odd.", nameof(exponent));
        if (e >= n)
            throw new ArgumentException("The RSA key's public exponent is not smaller than its modulus.", nameof(exponent));

        ModulusLength = (ModulusBits + 7) / 8;
        _modulus = new MontgomeryModulus(n);
        _exponent = e.ToByteArray(isUnsigned: true, isBigEndian: true);
    }

    /// <summary>The size of the modulus in bits.</summary>
    public int ModulusBits { get; }

    /// <summary>k in RFC 8017: the modulus length in bytes, which is also the signature length.</summary>
    public int ModulusLength { get; }

    /// <summary>
    /// Whether <paramref name="signature"/> is a valid RSASSA-PKCS1-v1_5 signature of
    /// <paramref name="signedData"/> with <paramref name="hash"/> under this key (RFC 8017 §8.2.2).
    /// A malformed signature is simply not valid: this returns false rather than throwing.
    /// </summary>
    public bool VerifyPkcs1(JwsHash hash, ReadOnlySpan<byte> signedData, ReadOnlySpan<byte> signature)
    {
        // Step 1: the signature is exactly k bytes.
        if (signature.Length != ModulusLength)
            return false;

        // Step 2 (RSAVP1, §5.2.2): s < n, m = s^e mod n, written back as k bytes (I2OSP).
        Span<ulong> number = stackalloc ulong[_modulus.Limbs];
        MontgomeryModulus.FromBigEndian(signature, number);
        if (!_modulus.IsReduced(number))
            return false;
        _modulus.ToMontgomery(number, number);
        _modulus.Power(number, _exponent, number);
        _modulus.FromMontgomery(number, number);
        Span<byte> recovered = stackalloc byte[ModulusLength];
        MontgomeryModulus.ToBigEndian(number, recovered);

        // Step 3: the encoding the signature should hold. Step 4: the whole block compared.
        Span<byte> digest = stackalloc byte[JwsHashExtensions.MaxDigestLength];
        digest = digest[..hash.DigestLength()];
        Sha2.Hash(hash, signedData, digest);
        Span<byte> expected = stackalloc byte[ModulusLength];
        EmsaPkcs1.Encode(hash, digest, expected);

        return recovered.SequenceEqual(expected);
    }
}
