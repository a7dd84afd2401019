using System.Numerics;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// A point in Jacobian coordinates: (X, Y, Z) stands for the affine (X/Z², Y/Z³), and Z = 0 for the
/// point at infinity. Adding and doubling then need no field inversion, which costs as much as
/// about a hundred multiplications; only the end result is brought back to affine form, if at all.
/// </summary>
/// <remarks>Formulas from the Explicit-Formulas Database (Bernstein, Lange): "dbl-2001-b" for
/// doubling with a = −3 and "madd-2007-bl" for adding an affine point. Public data only, so the
/// special cases are plain branches rather than constant-time.</remarks>
internal readonly record struct JacobianPoint(BigInteger X, BigInteger Y, BigInteger Z)
{
    public static JacobianPoint Infinity => new(BigInteger.One, BigInteger.One, BigInteger.Zero);

    public static JacobianPoint FromAffine(AffinePoint point) => new(point.X, point.Y, BigInteger.One);

    public bool IsInfinity => Z.IsZero;

    /// <summary>2P, for a curve whose a is −3 (dbl-2001-b: 3M + 5S).</summary>
    public JacobianPoint Double(EcCurve curve)
    {
        if (IsInfinity)
            return this;
        var p = curve.Prime;
        var delta = Z * Z % p;
        var gamma = Y * Y % p;
        var beta = X * gamma % p;
        // alpha = 3(X − delta)(X + delta) = 3X² + a·Z⁴ with a = −3.
        var alpha = 3 * Reduce(X - delta, p) * (X + delta) % p;
        var x3 = Reduce(alpha * alpha - 8 * beta, p);
        // A point with Y = 0 doubles to infinity; then Z3 = 2YZ comes out 0 by itself.
        var z3 = Reduce((Y + Z) * (Y + Z) - gamma - delta, p);
        var y3 = Reduce(alpha * (4 * beta - x3) - 8 * (gamma * gamma % p), p);
        return new JacobianPoint(x3, y3, z3);
    }

    /// <summary>P + Q for an affine Q (madd-2007-bl: 7M + 4S), with the cases that formula leaves
    /// out: P at infinity, Q = P (then a doubling) and Q = −P (then infinity).</summary>
    public JacobianPoint Add(EcCurve curve, AffinePoint q)
    {
        if (IsInfinity)
            return FromAffine(q);
        var p = curve.Prime;
        var z1z1 = Z * Z % p;
        var u2 = q.X * z1z1 % p;
        var s2 = q.Y * Z % p * z1z1 % p;
        var h = Reduce(u2 - X, p);
        var r = Reduce(2 * (s2 - Y), p);
        if (h.IsZero)
            return r.IsZero ? Double(curve) : Infinity;
        var hh = h * h % p;
        var i = 4 * hh % p;
        var j = h * i % p;
        var v = X * i % p;
        var x3 = Reduce(r * r - j - 2 * v, p);
        var y3 = Reduce(r * (v - x3) - 2 * (Y * j % p), p);
        var z3 = Reduce((Z + h) * (Z + h) - z1z1 - hh, p);
        return new JacobianPoint(x3, y3, z3);
    }

    /// <summary>The affine form, or null for the point at infinity. One inversion: z^(p−2) mod p,
    /// by Fermat's little theorem since p is prime.</summary>
    public AffinePoint? ToAffine(EcCurve curve)
    {
        if (IsInfinity)
            return null;
        var p = curve.Prime;
        var zInverse = BigInteger.ModPow(Z, p - 2, p);
        var zInverse2 = zInverse * zInverse % p;
        return new AffinePoint(X * zInverse2 % p, Y * (zInverse2 * zInverse % p) % p);
    }

    /// <summary>value mod p in [0, p), for a value that may be negative.</summary>
    private static BigInteger Reduce(BigInteger value, BigInteger p)
    {
        var remainder = value % p;
        return remainder.Sign < 0 ? remainder + p : remainder;
    }
}
