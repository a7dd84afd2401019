using System.Numerics;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// A NIST prime curve y² = x³ − 3x + b over GF(p) with a base point G of prime order n and
/// cofactor 1: P-256 for ES256 and P-384 for ES384 (RFC 7518 §3.4). Parameters from FIPS 186-4
/// appendix D.1.2.3 and D.1.2.4 (the same as SEC 2 secp256r1 and secp384r1).
/// </summary>
public sealed class EcCurve
{
    /// <summary>P-256 (secp256r1), the curve of ES256.</summary>
    public static EcCurve P256 { get; } = new(
        "P-256",
        prime: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
        b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
        gx: "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
        gy: "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
        order: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

    /// <summary>P-384 (secp384r1), the curve of ES384.</summary>
    public static EcCurve P384 { get; } = new(
        "P-384",
        prime: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
        b: "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
        gx: "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
        gy: "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
        order: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973");

    private EcCurve(string name, string prime, string b, string gx, string gy, string order)
    {
        Name = name;
        Prime = Parse(prime);
        B = Parse(b);
        Gx = Parse(gx);
        Gy = Parse(gy);
        Order = Parse(order);
        FieldLength = prime.Length / 2;
        OrderBits = (int)Order.GetBitLength();
        OrderLength = (OrderBits + 7) / 8;

        Field = new MontgomeryModulus(Prime);
        Scalars = new MontgomeryModulus(Order);
        Limbs = Field.Limbs;
        if (Scalars.Limbs != Limbs)
            throw new InvalidOperationException($"{name}: the order and the prime must have the same number of limbs.");
        OrderLimbs = MontgomeryModulus.ToLimbs(Order, Limbs);
        Generator = [.. ToFieldElement(Gx), .. ToFieldElement(Gy)];
        PrimeMinusTwo = (Prime - 2).ToByteArray(isUnsigned: true, isBigEndian: true);
        OrderMinusTwo = (Order - 2).ToByteArray(isUnsigned: true, isBigEndian: true);
    }

    /// <summary>The JWK "crv" name (RFC 7518 §6.2.1.1).</summary>
    public string Name { get; }

    /// <summary>The length in bytes of a coordinate, as the JWK "x" and "y" carry it (RFC 7518 §6.2.1.2).</summary>
    public int FieldLength { get; }

    /// <summary>The length in bytes of r and of s in a JWS signature (RFC 7518 §3.4).</summary>
    public int OrderLength { get; }

    /// <summary>p, the field's prime.</summary>
    internal BigInteger Prime { get; }

    /// <summary>b; a is −3 on both curves, which the point doubling relies on.</summary>
    internal BigInteger B { get; }

    internal BigInteger Gx { get; }
    internal BigInteger Gy { get; }

    /// <summary>n, the prime order of G.</summary>
    internal BigInteger Order { get; }

    internal int OrderBits { get; }

    /// <summary>Arithmetic modulo p, for coordinates (in Montgomery form).</summary>
    internal MontgomeryModulus Field { get; }

    /// <summary>Arithmetic modulo n, for r, s and the scalars.</summary>
    internal MontgomeryModulus Scalars { get; }

    /// <summary>The limb count of both a coordinate and a scalar (4 for P-256, 6 for P-384).</summary>
    internal int Limbs { get; }

    /// <summary>n as plain limbs.</summary>
    internal ulong[] OrderLimbs { get; }

    /// <summary>G as affine x then y, in Montgomery form.</summary>
    internal ulong[] Generator { get; }

    /// <summary>p − 2 and n − 2, big-endian: a^(p−2) is a⁻¹ mod p by Fermat's little theorem
    /// (both moduli are prime).</summary>
    internal byte[] PrimeMinusTwo { get; }

    internal byte[] OrderMinusTwo { get; }

    /// <summary>A number below p into Montgomery form.</summary>
    internal ulong[] ToFieldElement(BigInteger value)
    {
        var limbs = MontgomeryModulus.ToLimbs(value, Limbs);
        Field.ToMontgomery(limbs, limbs);
        return limbs;
    }

    /// <summary>A coordinate out of Montgomery form.</summary>
    internal BigInteger FromFieldElement(ReadOnlySpan<ulong> element)
    {
        Span<ulong> limbs = stackalloc ulong[Limbs];
        Field.FromMontgomery(element, limbs);
        return MontgomeryModulus.ToBigInteger(limbs);
    }

    public override string ToString() => Name;

    private static BigInteger Parse(string hex) => new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);
}
