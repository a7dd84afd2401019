using System.Runtime.CompilerServices;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// u1·G + u2·Q in one pass of doublings (Shamir's trick, or Straus's method with one bit per
/// scalar): at each bit, double, then add G, Q or G + Q as the two scalars' bits say. That is about
/// half the doublings of computing the two products apart.
/// </summary>
// SkipLocalsInit: every stack buffer here is written before it is read, so the runtime's zeroing
// of each stackalloc would only add cost to every operation.
[SkipLocalsInit]
internal static class EcMultiplication
{
    /// <param name="u1">A scalar as L little-endian limbs (not in Montgomery form).</param>
    /// <param name="u2">The other scalar, likewise.</param>
    /// <param name="q">Q, affine.</param>
    /// <param name="generatorPlusQ">G + Q, affine, computed once per key; ignored when Q = −G.</param>
    /// <param name="generatorPlusQIsInfinity">Whether Q = −G, so G + Q is the point at infinity.</param>
    /// <param name="result">The Jacobian sum.</param>
    public static void LinearCombination(
        EcCurve curve, ReadOnlySpan<ulong> u1, ReadOnlySpan<ulong> u2, ReadOnlySpan<ulong> q,
        ReadOnlySpan<ulong> generatorPlusQ, bool generatorPlusQIsInfinity, Span<ulong> result)
    {
        var g = curve.Generator.AsSpan();
        JacobianArithmetic.SetInfinity(curve, result);
        for (var bit = 64 * curve.Limbs - 1; bit >= 0; bit--)
        {
            JacobianArithmetic.Double(curve, result);
            var takeG = (u1[bit >> 6] >> (bit & 63) & 1) != 0;
            var takeQ = (u2[bit >> 6] >> (bit & 63) & 1) != 0;
            if (takeG && takeQ)
            {
                if (!generatorPlusQIsInfinity)
                    JacobianArithmetic.AddAffine(curve, result, generatorPlusQ);
            }
            else if (takeG)
                JacobianArithmetic.AddAffine(curve, result, g);
            else if (takeQ)
                JacobianArithmetic.AddAffine(curve, result, q);
        }
    }
}
