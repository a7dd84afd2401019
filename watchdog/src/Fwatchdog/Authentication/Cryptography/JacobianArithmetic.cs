using System.Runtime.CompilerServices;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// Point arithmetic on y² = x³ − 3x + b in Jacobian coordinates: (X, Y, Z) stands for the affine
/// (X/Z², Y/Z³), and Z = 0 for the point at infinity. Adding and doubling then need no field
/// inversion, which costs as much as a few hundred multiplications; only the end result is brought
/// back to affine form, if at all.
/// </summary>
/// <remarks>
/// A Jacobian point is a span of 3L limbs (X, Y, Z), an affine point 2L (x, y), L being
/// <see cref="EcCurve.Limbs"/>; every coordinate is in Montgomery form modulo p. Formulas from the
/// Explicit-Formulas Database (Bernstein, Lange): "dbl-2001-b" for doubling with a = −3 and
/// "madd-2007-bl" for adding an affine point. Public data only, so the special cases are plain
/// branches rather than constant-time.
/// </remarks>
// SkipLocalsInit: every stack buffer here is written before it is read, so the runtime's zeroing
// of each stackalloc would only add cost to every operation.
[SkipLocalsInit]
internal static class JacobianArithmetic
{
    public static void SetInfinity(EcCurve curve, Span<ulong> point)
    {
        var l = curve.Limbs;
        curve.Field.One.CopyTo(point[..l]);
        curve.Field.One.CopyTo(point.Slice(l, l));
        point.Slice(2 * l, l).Clear();
    }

    public static bool IsInfinity(EcCurve curve, ReadOnlySpan<ulong> point) =>
        MontgomeryModulus.IsZero(point.Slice(2 * curve.Limbs, curve.Limbs));

    /// <summary>point = (x, y, 1).</summary>
    public static void SetAffine(EcCurve curve, Span<ulong> point, ReadOnlySpan<ulong> affine)
    {
        var l = curve.Limbs;
        affine[..(2 * l)].CopyTo(point);
        curve.Field.One.CopyTo(point.Slice(2 * l, l));
    }

    /// <summary>point = 2·point, for a curve whose a is −3 (dbl-2001-b: 3M + 5S).</summary>
    public static void Double(EcCurve curve, Span<ulong> point)
    {
        if (IsInfinity(curve, point))
            return;
        var f = curve.Field;
        var l = curve.Limbs;
        var x = point[..l];
        var y = point.Slice(l, l);
        var z = point.Slice(2 * l, l);
        Span<ulong> scratch = stackalloc ulong[5 * l];
        var delta = scratch[..l];
        var gamma = scratch.Slice(l, l);
        var beta = scratch.Slice(2 * l, l);
        var alpha = scratch.Slice(3 * l, l);
        var t = scratch.Slice(4 * l, l);

        f.Multiply(z, z, delta);
        f.Multiply(y, y, gamma);
        f.Multiply(x, gamma, beta);
        // alpha = 3(X − delta)(X + delta), which is 3X² + a·Z⁴ for a = −3.
        f.Subtract(x, delta, t);
        f.Add(x, delta, alpha);
        f.Multiply(t, alpha, alpha);
        f.Add(alpha, alpha, t);
        f.Add(t, alpha, alpha);
        // Z3 = (Y + Z)² − gamma − delta = 2YZ; a point with Y = 0 doubles to infinity by itself.
        f.Add(y, z, z);
        f.Multiply(z, z, z);
        f.Subtract(z, gamma, z);
        f.Subtract(z, delta, z);
        // X3 = alpha² − 8·beta
        f.Add(beta, beta, beta);
        f.Add(beta, beta, beta); // 4·beta
        f.Multiply(alpha, alpha, x);
        f.Subtract(x, beta, x);
        f.Subtract(x, beta, x);
        // Y3 = alpha·(4·beta − X3) − 8·gamma²
        f.Subtract(beta, x, t);
        f.Multiply(alpha, t, y);
        f.Multiply(gamma, gamma, t);
        f.Add(t, t, t);
        f.Add(t, t, t);
        f.Add(t, t, t);
        f.Subtract(y, t, y);
    }

    /// <summary>point = point + affine (madd-2007-bl: 7M + 4S), with the cases that formula leaves
    /// out: point at infinity, equal points (then a doubling) and opposite points (then infinity).</summary>
    public static void AddAffine(EcCurve curve, Span<ulong> point, ReadOnlySpan<ulong> affine)
    {
        if (IsInfinity(curve, point))
        {
            SetAffine(curve, point, affine);
            return;
        }
        var f = curve.Field;
        var l = curve.Limbs;
        var x1 = point[..l];
        var y1 = point.Slice(l, l);
        var z1 = point.Slice(2 * l, l);
        var x2 = affine[..l];
        var y2 = affine.Slice(l, l);
        Span<ulong> scratch = stackalloc ulong[6 * l];
        var z1z1 = scratch[..l];
        var h = scratch.Slice(l, l);
        var r = scratch.Slice(2 * l, l);
        var i = scratch.Slice(3 * l, l);
        var j = scratch.Slice(4 * l, l);
        var v = scratch.Slice(5 * l, l);

        f.Multiply(z1, z1, z1z1);
        f.Multiply(x2, z1z1, h);
        f.Subtract(h, x1, h);                   // H = U2 − X1
        f.Multiply(y2, z1, r);
        f.Multiply(r, z1z1, r);
        f.Subtract(r, y1, r);
        f.Add(r, r, r);                         // r = 2(S2 − Y1)
        if (MontgomeryModulus.IsZero(h))
        {
            // Same x: the same point (double it) or its opposite (the sum is infinity).
            if (MontgomeryModulus.IsZero(r))
                Double(curve, point);
            else
                SetInfinity(curve, point);
            return;
        }
        f.Multiply(h, h, i);                    // HH, kept in i for Z3 below
        f.Add(z1, h, z1);
        f.Multiply(z1, z1, z1);
        f.Subtract(z1, z1z1, z1);
        f.Subtract(z1, i, z1);                  // Z3 = (Z1 + H)² − Z1Z1 − HH
        f.Add(i, i, i);
        f.Add(i, i, i);                         // I = 4·HH
        f.Multiply(h, i, j);                    // J = H·I
        f.Multiply(x1, i, v);                   // V = X1·I
        f.Multiply(r, r, x1);
        f.Subtract(x1, j, x1);
        f.Subtract(x1, v, x1);
        f.Subtract(x1, v, x1);                  // X3 = r² − J − 2V
        f.Multiply(y1, j, j);
        f.Add(j, j, j);                         // 2·Y1·J
        f.Subtract(v, x1, v);
        f.Multiply(r, v, y1);
        f.Subtract(y1, j, y1);                  // Y3 = r(V − X3) − 2·Y1·J
    }

    /// <summary>The affine form of <paramref name="point"/>, or false for the point at infinity.
    /// One inversion: Z^(p−2).</summary>
    public static bool ToAffine(EcCurve curve, ReadOnlySpan<ulong> point, Span<ulong> affine)
    {
        if (IsInfinity(curve, point))
            return false;
        var f = curve.Field;
        var l = curve.Limbs;
        Span<ulong> scratch = stackalloc ulong[2 * l];
        var inverse = scratch[..l];
        var inverse2 = scratch.Slice(l, l);
        f.Power(point.Slice(2 * l, l), curve.PrimeMinusTwo, inverse);
        f.Multiply(inverse, inverse, inverse2);
        f.Multiply(point[..l], inverse2, affine[..l]);
        f.Multiply(inverse2, inverse, inverse2);
        f.Multiply(point.Slice(l, l), inverse2, affine.Slice(l, l));
        return true;
    }
}
