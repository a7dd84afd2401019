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
        var g = new AffinePoint(curve.Gx, curve.Gy);
        var twoG = JacobianPoint.FromAffine(g).Double(curve).ToAffine(curve);
        var n = curve.Order;

        // (n − 1)·G + 1·G with Q = G: the last addition is −G + G.
        Assert.True(EcMultiplication.LinearCombination(curve, n - 1, BigInteger.One, g, twoG).IsInfinity);
        Assert.Equal(new AffinePoint(curve.Gx, curve.Prime - curve.Gy),
            EcMultiplication.LinearCombination(curve, n - 1, BigInteger.Zero, g, twoG).ToAffine(curve));
        // 2·G by the joint multiplication (1·G + 1·G, Q = G) and by one doubling agree.
        Assert.Equal(twoG, EcMultiplication.LinearCombination(curve, BigInteger.One, BigInteger.One, g, twoG).ToAffine(curve));
        Assert.Equal(twoG, JacobianPoint.FromAffine(g).Add(curve, g).ToAffine(curve));
        Assert.Null(JacobianPoint.FromAffine(g).Add(curve, new AffinePoint(curve.Gx, curve.Prime - curve.Gy)).ToAffine(curve));
    }

    private static BigInteger ToInteger(ReadOnlySpan<byte> bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);
}
