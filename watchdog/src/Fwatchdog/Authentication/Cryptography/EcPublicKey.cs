using System.Numerics;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// An elliptic-curve public key on P-256 or P-384 that verifies ECDSA signatures in the JWS form
/// (ES256, ES384: RFC 7518 §3.4), by SEC 1 v2 §4.1.4. Managed code only: System.Security.Cryptography
/// needs libssl, which the watchdog's scratch image does not have.
/// </summary>
/// <remarks>
/// Keys and signatures are public, so nothing here is constant-time; that is only needed where a
/// secret is involved (signing, key agreement).
/// </remarks>
public sealed class EcPublicKey
{
    private readonly AffinePoint _point;

    // G + Q for the joint multiplication, once per key; null when Q = −G.
    private readonly AffinePoint? _generatorPlusPoint;

    /// <summary>
    /// The key from its point's coordinates, each an unsigned big-endian integer of exactly the
    /// curve's field length: the JWK members "x" and "y" after base64url decoding (RFC 7518 §6.2.1.2-3).
    /// </summary>
    /// <exception cref="ArgumentException">A coordinate has the wrong length, or the point is not a
    /// point of the curve other than the point at infinity (SEC 1 v2 §3.2.2.1).</exception>
    public EcPublicKey(EcCurve curve, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        ArgumentNullException.ThrowIfNull(curve);
        Curve = curve;
        CheckLength(curve, x, nameof(x));
        CheckLength(curve, y, nameof(y));

        var px = new BigInteger(x, isUnsigned: true, isBigEndian: true);
        var py = new BigInteger(y, isUnsigned: true, isBigEndian: true);
        // (0, 0) is how some encodings write the point at infinity; it is not a public key.
        if (px.IsZero && py.IsZero)
            throw new ArgumentException($"The {curve} key is the point at infinity (x = y = 0), which is not a public key.", nameof(x));
        if (px >= curve.Prime || py >= curve.Prime)
            throw new ArgumentException($"A coordinate of the {curve} key is not below the field prime p.", px >= curve.Prime ? nameof(x) : nameof(y));
        // y² = x³ − 3x + b (mod p). With cofactor 1, every point of the curve other than infinity
        // has order n, so SEC 1's last check (nQ = infinity) holds by itself.
        var p = curve.Prime;
        var left = py * py % p;
        var right = ((px * px % p - 3) * px + curve.B) % p;
        if (right.Sign < 0)
            right += p;
        if (left != right)
            throw new ArgumentException($"The point (x, y) is not on the curve {curve}.", nameof(y));

        _point = new AffinePoint(px, py);
        _generatorPlusPoint = JacobianPoint.FromAffine(new AffinePoint(curve.Gx, curve.Gy)).Add(curve, _point).ToAffine(curve);
    }

    /// <summary>The key's curve.</summary>
    public EcCurve Curve { get; }

    /// <summary>
    /// Whether <paramref name="signature"/>, the JWS form R || S with each exactly the curve's order
    /// length (RFC 7518 §3.4), is a valid ECDSA signature of <paramref name="signedData"/> with
    /// <paramref name="hash"/> under this key (SEC 1 v2 §4.1.4). Anything malformed, a DER signature
    /// included, is simply not valid: this returns false rather than throwing.
    /// </summary>
    public bool VerifyEcdsa(JwsHash hash, ReadOnlySpan<byte> signedData, ReadOnlySpan<byte> signature)
    {
        var curve = Curve;
        var n = curve.Order;
        if (signature.Length != 2 * curve.OrderLength)
            return false;

        // Step 1: r and s in [1, n − 1]. Without it r = s = 0 passes every later step
        // ("psychic signatures", CVE-2022-21449).
        var r = new BigInteger(signature[..curve.OrderLength], isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(signature[curve.OrderLength..], isUnsigned: true, isBigEndian: true);
        if (r.IsZero || r >= n || s.IsZero || s >= n)
            return false;

        // Steps 2-3: e is the leftmost bits of the digest, as many as n has (§4.1.3 step 5).
        Span<byte> digest = stackalloc byte[JwsHashExtensions.MaxDigestLength];
        digest = digest[..hash.DigestLength()];
        Sha2.Hash(hash, signedData, digest);
        var e = LeftmostBits(digest, curve.OrderBits);

        // Step 4: w = s⁻¹ mod n, by Fermat (n is prime); u1 = e·w, u2 = r·w.
        var w = BigInteger.ModPow(s, n - 2, n);
        var u1 = e * w % n;
        var u2 = r * w % n;

        // Step 5: R = u1·G + u2·Q, which must not be the point at infinity.
        var point = EcMultiplication.LinearCombination(curve, u1, u2, _point, _generatorPlusPoint);
        if (point.IsInfinity)
            return false;

        // Steps 6-8: valid iff x_R mod n = r. As x_R is in [0, p) and p < 2n, that is x_R = r or
        // x_R = r + n; and x_R = X/Z², so compare X with r·Z² instead of inverting Z.
        var p = curve.Prime;
        var zz = point.Z * point.Z % p;
        if (r * zz % p == point.X)
            return true;
        var rPlusN = r + n;
        return rPlusN < p && rPlusN * zz % p == point.X;
    }

    /// <summary>The leftmost <paramref name="bits"/> bits of <paramref name="digest"/> as an
    /// integer, or all of it when it is shorter (SEC 1 v2 §4.1.3 step 5).</summary>
    private static BigInteger LeftmostBits(ReadOnlySpan<byte> digest, int bits)
    {
        if (digest.Length * 8 <= bits)
            return new BigInteger(digest, isUnsigned: true, isBigEndian: true);
        var bytes = (bits + 7) / 8;
        return new BigInteger(digest[..bytes], isUnsigned: true, isBigEndian: true) >> (bytes * 8 - bits);
    }

    private static void CheckLength(EcCurve curve, ReadOnlySpan<byte> coordinate, string name)
    {
        if (coordinate.Length != curve.FieldLength)
            throw new ArgumentException(
                $"A {curve} key's {name} coordinate must be {curve.FieldLength} bytes; this one is {coordinate.Length}.", name);
    }
}
