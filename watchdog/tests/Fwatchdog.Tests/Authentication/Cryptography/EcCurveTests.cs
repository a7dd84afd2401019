using System.Numerics;
using System.Security.Cryptography;
using Fwatchdog.Authentication.Cryptography;

namespace Fwatchdog.Tests.Authentication.Cryptography;

public class EcCurveTests
{
    public static TheoryData<string> Curves => new() { "P-256", "P-384" };

    private static EcCurve Curve(string name) => name == "P-256" ? EcCurve.P256 : EcCurve.P384;

    [Theory]
    [MemberData(nameof(Curves))]
    public void Parameters_are_those_System_Security_Cryptography_exports(string name)
    {
        using var ecdsa = ECDsa.Create(name == "P-256" ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384);
        var expected = ecdsa.ExportExplicitParameters(false).Curve;
        var curve = Curve(name);

        Assert.Equal(ToInteger(expected.Prime), curve.Prime);
        Assert.Equal(ToInteger(expected.A), curve.Prime - 3);
        Assert.Equal(ToInteger(expected.B), curve.B);
        Assert.Equal(ToInteger(expected.G.X), curve.Gx);
        Assert.Equal(ToInteger(expected.G.Y), curve.Gy);
        Assert.Equal(ToInteger(expected.Order), curve.Order);
        Assert.Equal(BigInteger.One, ToInteger(expected.Cofactor));
        Assert.Equal(expected.Prime!.Length, curve.FieldLength);
        Assert.Equal(expected.Order!.Length, curve.OrderLength);
        Assert.Equal(name, curve.Name);
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void n_times_G_is_the_point_at_infinity_and_n_minus_1_times_G_is_minus_G(string name)
    {
        var curve = Curve(name);
        var g = CurvePoints.Generator(curve);
        var minusG = (curve.Gx, curve.Prime - curve.Gy);
        var n = curve.Order;

        // (n − 1)·G + 1·G with Q = G: the last addition is −G + G.
        Assert.Null(CurvePoints.LinearCombination(curve, n - 1, BigInteger.One, g));
        Assert.Equal(minusG, CurvePoints.LinearCombination(curve, n - 1, BigInteger.Zero, g));
        Assert.Equal(minusG, CurvePoints.LinearCombination(curve, BigInteger.Zero, n - 1, g));
        // Q = −G: G + Q is the point at infinity, the table entry the multiplication skips.
        Assert.Equal(g, CurvePoints.LinearCombination(curve, 2, 1, minusG));
        Assert.Null(CurvePoints.LinearCombination(curve, 5, 5, minusG));
        // 2·G by the joint multiplication (1·G + 1·G with Q = G), by adding G to itself and by doubling.
        var twoG = CurvePoints.Double(curve, g);
        Assert.NotNull(twoG);
        Assert.Equal(twoG, CurvePoints.LinearCombination(curve, BigInteger.One, BigInteger.One, g));
        Assert.Equal(twoG, CurvePoints.Add(curve, g, g));
        Assert.Null(CurvePoints.Add(curve, g, minusG));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Point_arithmetic_agrees_with_textbook_affine_formulas(string name)
    {
        var curve = Curve(name);
        var g = CurvePoints.Generator(curve);
        var random = new Random(2001);
        var p = curve.Prime;
        for (var i = 0; i < 10; i++)
        {
            var u1 = RandomBelow(curve.Order, random);
            var u2 = RandomBelow(curve.Order, random);
            var q = TextbookMultiply(curve, RandomBelow(curve.Order, random), g)!.Value;

            var expected = TextbookAdd(curve, TextbookMultiply(curve, u1, g), TextbookMultiply(curve, u2, q));

            Assert.Equal(expected, CurvePoints.LinearCombination(curve, u1, u2, q));
            Assert.Equal(TextbookAdd(curve, g, q), CurvePoints.Add(curve, g, q));
            Assert.Equal(TextbookAdd(curve, q, q), CurvePoints.Double(curve, q));
            var (x, y) = expected!.Value;
            Assert.Equal(y * y % p, ((x * x - 3) * x + curve.B) % p);
        }
    }

    // Affine formulas with one inversion per step (SEC 1 v2 §2.2.1): slow and plainly right.
    private static (BigInteger X, BigInteger Y)? TextbookAdd(EcCurve curve, (BigInteger X, BigInteger Y)? a, (BigInteger X, BigInteger Y)? b)
    {
        if (a is not { } p1)
            return b;
        if (b is not { } p2)
            return a;
        var p = curve.Prime;
        BigInteger slope;
        if (p1.X == p2.X)
        {
            if ((p1.Y + p2.Y) % p == 0)
                return null;
            slope = (3 * p1.X * p1.X - 3) * BigInteger.ModPow(2 * p1.Y, p - 2, p) % p;
        }
        else
            slope = (p2.Y - p1.Y + p) * BigInteger.ModPow((p2.X - p1.X + p) % p, p - 2, p) % p;
        var x3 = ((slope * slope - p1.X - p2.X) % p + 2 * p) % p;
        var y3 = ((slope * (p1.X - x3) - p1.Y) % p + p) % p;
        return (x3, y3);
    }

    private static (BigInteger X, BigInteger Y)? TextbookMultiply(EcCurve curve, BigInteger k, (BigInteger X, BigInteger Y)? point)
    {
        (BigInteger X, BigInteger Y)? result = null;
        for (var bit = (int)k.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = TextbookAdd(curve, result, result);
            if (!(k >> bit).IsEven)
                result = TextbookAdd(curve, result, point);
        }
        return result;
    }

    private static BigInteger RandomBelow(BigInteger m, Random random)
    {
        var bytes = new byte[m.GetByteCount(isUnsigned: true) + 8];
        random.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true) % m;
    }

    private static BigInteger ToInteger(ReadOnlySpan<byte> bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);
}
