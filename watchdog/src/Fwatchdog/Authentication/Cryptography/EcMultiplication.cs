using System.Numerics;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// u1·G + u2·Q in one pass of doublings (Shamir's trick, or Straus's method with one bit per
/// scalar): at each bit, double, then add G, Q or G + Q as the two scalars' bits say. That is about
/// half the doublings of computing the two products apart.
/// </summary>
internal static class EcMultiplication
{
    /// <param name="gPlusQ">G + Q, computed once per key, or null when Q = −G.</param>
    public static JacobianPoint LinearCombination(
        EcCurve curve, BigInteger u1, BigInteger u2, AffinePoint q, AffinePoint? gPlusQ)
    {
        var g = new AffinePoint(curve.Gx, curve.Gy);
        // The scalars as little-endian bytes, read bit by bit from the top.
        Span<byte> scalar1 = stackalloc byte[curve.OrderLength];
        Span<byte> scalar2 = stackalloc byte[curve.OrderLength];
        WriteLittleEndian(u1, scalar1);
        WriteLittleEndian(u2, scalar2);
        var result = JacobianPoint.Infinity;
        for (var bit = (int)BigInteger.Max(u1, u2).GetBitLength() - 1; bit >= 0; bit--)
        {
            result = result.Double(curve);
            var takeG = (scalar1[bit >> 3] >> (bit & 7) & 1) != 0;
            var takeQ = (scalar2[bit >> 3] >> (bit & 7) & 1) != 0;
            if (takeG && takeQ)
            {
                if (gPlusQ is { } sum)
                    result = result.Add(curve, sum);
            }
            else if (takeG)
                result = result.Add(curve, g);
            else if (takeQ)
                result = result.Add(curve, q);
        }
        return result;
    }

    /// <summary>A scalar below n into a buffer of n's length, zero-filled above its top byte.</summary>
    private static void WriteLittleEndian(BigInteger value, Span<byte> destination)
    {
        destination.Clear();
        value.TryWriteBytes(destination, out _, isUnsigned: true);
    }
}
