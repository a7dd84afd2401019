using System.Numerics;
using Fwatchdog.Authentication.Cryptography;

namespace Fwatchdog.Tests.Authentication.Cryptography;

/// <summary>The product's point arithmetic with plain (x, y) integers in and out, for tests; null
/// stands for the point at infinity.</summary>
internal static class CurvePoints
{
    public static (BigInteger X, BigInteger Y) Generator(EcCurve curve) => (curve.Gx, curve.Gy);

    public static (BigInteger X, BigInteger Y)? LinearCombination(
        EcCurve curve, BigInteger u1, BigInteger u2, (BigInteger X, BigInteger Y) q)
    {
        var l = curve.Limbs;
        var affineQ = Affine(curve, q);
        var sum = new ulong[3 * l];
        JacobianArithmetic.SetAffine(curve, sum, curve.Generator);
        JacobianArithmetic.AddAffine(curve, sum, affineQ);
        var generatorPlusQ = new ulong[2 * l];
        var sumIsInfinity = !JacobianArithmetic.ToAffine(curve, sum, generatorPlusQ);
        var result = new ulong[3 * l];
        EcMultiplication.LinearCombination(
            curve, MontgomeryModulus.ToLimbs(u1, l), MontgomeryModulus.ToLimbs(u2, l), affineQ, generatorPlusQ, sumIsInfinity, result);
        return Plain(curve, result);
    }

    public static (BigInteger X, BigInteger Y)? Add(EcCurve curve, (BigInteger X, BigInteger Y) a, (BigInteger X, BigInteger Y) b)
    {
        var point = new ulong[3 * curve.Limbs];
        JacobianArithmetic.SetAffine(curve, point, Affine(curve, a));
        JacobianArithmetic.AddAffine(curve, point, Affine(curve, b));
        return Plain(curve, point);
    }

    public static (BigInteger X, BigInteger Y)? Double(EcCurve curve, (BigInteger X, BigInteger Y) a)
    {
        var point = new ulong[3 * curve.Limbs];
        JacobianArithmetic.SetAffine(curve, point, Affine(curve, a));
        JacobianArithmetic.Double(curve, point);
        return Plain(curve, point);
    }

    private static ulong[] Affine(EcCurve curve, (BigInteger X, BigInteger Y) point) =>
        [.. curve.ToFieldElement(point.X), .. curve.ToFieldElement(point.Y)];

    private static (BigInteger X, BigInteger Y)? Plain(EcCurve curve, ulong[] jacobian)
    {
        var affine = new ulong[2 * curve.Limbs];
        if (!JacobianArithmetic.ToAffine(curve, jacobian, affine))
            return null;
        return (curve.FromFieldElement(affine.AsSpan(0, curve.Limbs)), curve.FromFieldElement(affine.AsSpan(curve.Limbs)));
    }
}
