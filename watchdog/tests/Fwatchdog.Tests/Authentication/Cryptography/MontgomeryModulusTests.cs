using System.Numerics;
using Fwatchdog.Authentication.Cryptography;

namespace Fwatchdog.Tests.Authentication.Cryptography;

public class MontgomeryModulusTests
{
    // Odd moduli of 1 to 33 limbs, some with the top limb all ones or nearly empty, and the two
    // primes and orders the EC code uses; 4 limbs has its own unrolled multiplication.
    public static TheoryData<string> Moduli => new()
    {
        "3",
        "ffffffffffffffff",
        "10000000000000001",
        "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
        "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "random:256",
        "random:193",
        "random:2048",
        "random:2047",
        "random:2100",
    };

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Agrees_with_BigInteger(string modulusText)
    {
        var random = new Random(1985);
        var m = Parse(modulusText, random);
        var arithmetic = new MontgomeryModulus(m);
        var limbs = arithmetic.Limbs;
        var r = BigInteger.One << (64 * limbs);
        var rInverse = Inverse(r % m, m);

        var samples = new List<BigInteger> { 0, 1, m - 1, m - 2, m / 2 };
        for (var i = 0; i < 20; i++)
            samples.Add(RandomBelow(m, random));

        Span<ulong> x = stackalloc ulong[limbs], y = stackalloc ulong[limbs], z = stackalloc ulong[limbs];
        foreach (var a in samples)
        {
            foreach (var b in samples.Take(8))
            {
                Load(a, x);
                Load(b, y);
                arithmetic.Multiply(x, y, z);
                Assert.Equal(a * b * rInverse % m, MontgomeryModulus.ToBigInteger(z));
                arithmetic.Add(x, y, z);
                Assert.Equal((a + b) % m, MontgomeryModulus.ToBigInteger(z));
                arithmetic.Subtract(x, y, z);
                Assert.Equal(((a - b) % m + m) % m, MontgomeryModulus.ToBigInteger(z));
            }

            // Round trip through Montgomery form, and an aliased in-place product.
            Load(a, x);
            arithmetic.ToMontgomery(x, y);
            Assert.Equal(a * r % m, MontgomeryModulus.ToBigInteger(y));
            arithmetic.FromMontgomery(y, z);
            Assert.Equal(a, MontgomeryModulus.ToBigInteger(z));
            arithmetic.Square(x, z);
            Assert.Equal(a * a * rInverse % m, MontgomeryModulus.ToBigInteger(z));
            arithmetic.Square(y, y);
            arithmetic.FromMontgomery(y, y);
            Assert.Equal(a * a % m, MontgomeryModulus.ToBigInteger(y));
        }
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Power_agrees_with_BigInteger_ModPow(string modulusText)
    {
        var random = new Random(1985);
        var m = Parse(modulusText, random);
        var arithmetic = new MontgomeryModulus(m);
        Span<ulong> x = stackalloc ulong[arithmetic.Limbs];
        foreach (var exponent in new BigInteger[] { 0, 1, 2, 3, 65537, m - 2, RandomBelow(m, random) })
        {
            var a = RandomBelow(m, random);
            Load(a, x);
            arithmetic.ToMontgomery(x, x);
            arithmetic.Power(x, exponent.IsZero ? [] : exponent.ToByteArray(isUnsigned: true, isBigEndian: true), x);
            arithmetic.FromMontgomery(x, x);

            Assert.Equal(BigInteger.ModPow(a, exponent, m), MontgomeryModulus.ToBigInteger(x));
        }
    }

    [Fact]
    public void Big_endian_conversions_round_trip_and_refuse_what_does_not_fit()
    {
        byte[] bytes = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b];
        Span<ulong> limbs = stackalloc ulong[2];
        MontgomeryModulus.FromBigEndian(bytes, limbs);
        Assert.Equal(0x0405060708090a0bUL, limbs[0]);
        Assert.Equal(0x010203UL, limbs[1]);

        var back = new byte[13];
        MontgomeryModulus.ToBigEndian(limbs, back);
        Assert.Equal([0, 0, .. bytes], back);

        var limbsArray = new ulong[1];
        Assert.Throws<ArgumentException>(() => MontgomeryModulus.FromBigEndian(bytes, limbsArray));
        MontgomeryModulus.FromBigEndian([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], limbsArray);
        Assert.Equal(1UL, limbsArray[0]);
    }

    [Fact]
    public void Refuses_an_even_modulus() =>
        Assert.Throws<ArgumentException>(() => new MontgomeryModulus(new BigInteger(1) << 100));

    private static BigInteger Parse(string text, Random random)
    {
        if (!text.StartsWith("random:", StringComparison.Ordinal))
            return new BigInteger(Convert.FromHexString(text.Length % 2 == 0 ? text : "0" + text), isUnsigned: true, isBigEndian: true);
        var bits = int.Parse(text["random:".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var bytes = new byte[(bits + 7) / 8];
        random.NextBytes(bytes);
        var value = new BigInteger(bytes, isUnsigned: true) % (BigInteger.One << bits);
        return value | (BigInteger.One << (bits - 1)) | 1;
    }

    private static BigInteger RandomBelow(BigInteger m, Random random)
    {
        var bytes = new byte[m.GetByteCount(isUnsigned: true) + 8];
        random.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true) % m;
    }

    private static BigInteger Inverse(BigInteger a, BigInteger m)
    {
        // Extended Euclid; m need not be prime.
        BigInteger oldR = a, r = m, oldS = 1, s = 0;
        while (!r.IsZero)
        {
            var q = oldR / r;
            (oldR, r) = (r, oldR - q * r);
            (oldS, s) = (s, oldS - q * s);
        }
        return (oldS % m + m) % m;
    }

    private static void Load(BigInteger value, Span<ulong> limbs) => MontgomeryModulus.ToLimbs(value, limbs.Length).CopyTo(limbs);
}
