using System.Numerics;
using System.Runtime.CompilerServices;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// An elliptic-curve public key on P-256 or P-384 that verifies ECDSA signatures in the JWS form
/// (ES256, ES384: RFC 7518 §3.4), by SEC 1 v2 §4.1.4. Managed code only: System.Security.Cryptography
/// needs libssl, which the watchdog's scratch image does not have.
/// </summary>
/// <remarks>
/// Which hash goes with which curve is the JWS layer's to enforce (ES256: P-256 with SHA-256, ES384:
/// P-384 with SHA-384); this verifies any pairing, as SEC 1 allows.
/// An instance is immutable, so one key can verify on any number of threads at once.
/// Keys and signatures are public, so nothing here is constant-time; that is only needed where a
/// secret is involved (signing, key agreement).
/// </remarks>
// SkipLocalsInit: every stack buffer here is written before it is read, so the runtime's zeroing
// of each stackalloc would only add cost to every operation.
[SkipLocalsInit]
public sealed class EcPublicKey
{
    // Q, affine, in Montgomery form (see JacobianArithmetic).
    private readonly ulong[] _point;

    // G + Q for the joint multiplication, once per key; unused when Q = −G.
    private readonly ulong[] _generatorPlusPoint;
    private readonly bool _generatorPlusPointIsInfinity;

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

        _point = [.. curve.ToFieldElement(px), .. curve.ToFieldElement(py)];
        Span<ulong> sum = stackalloc ulong[3 * curve.Limbs];
        JacobianArithmetic.SetAffine(curve, sum, curve.Generator);
        JacobianArithmetic.AddAffine(curve, sum, _point);
        _generatorPlusPoint = new ulong[2 * curve.Limbs];
        _generatorPlusPointIsInfinity = !JacobianArithmetic.ToAffine(curve, sum, _generatorPlusPoint);
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
        var l = curve.Limbs;
        var scalars = curve.Scalars;
        var field = curve.Field;
        if (signature.Length != 2 * curve.OrderLength)
            return false;

        // Step 1: r and s in [1, n − 1]. Without it r = s = 0 passes where the point at infinity is
        // taken to have x = 0 ("psychic signatures", CVE-2022-21449).
        Span<ulong> numbers = stackalloc ulong[6 * l];
        var r = numbers[..l];
        var s = numbers.Slice(l, l);
        var e = numbers.Slice(2 * l, l);
        var w = numbers.Slice(3 * l, l);
        var u1 = numbers.Slice(4 * l, l);
        var u2 = numbers.Slice(5 * l, l);
        MontgomeryModulus.FromBigEndian(signature[..curve.OrderLength], r);
        MontgomeryModulus.FromBigEndian(signature[curve.OrderLength..], s);
        if (MontgomeryModulus.IsZero(r) || !scalars.IsReduced(r) || MontgomeryModulus.IsZero(s) || !scalars.IsReduced(s))
            return false;

        // Steps 2-3: e is the leftmost bits of the digest, as many as n has (§4.1.3 step 5).
        Span<byte> digest = stackalloc byte[JwsHashExtensions.MaxDigestLength];
        digest = digest[..hash.DigestLength()];
        Sha2.Hash(hash, signedData, digest);
        LeftmostBits(digest, curve.OrderBits, e);
        scalars.ReduceOnce(e);

        // Step 4: w = s⁻¹ mod n by Fermat (n is prime), left in Montgomery form (s⁻¹·R), so that a
        // Montgomery product with a plain number gives the plain u1 = e·w and u2 = r·w.
        scalars.ToMontgomery(s, w);
        scalars.Power(w, curve.OrderMinusTwo, w);
        scalars.Multiply(e, w, u1);
        scalars.Multiply(r, w, u2);

        // Step 5: R = u1·G + u2·Q, which must not be the point at infinity.
        Span<ulong> point = stackalloc ulong[3 * l];
        EcMultiplication.LinearCombination(curve, u1, u2, _point, _generatorPlusPoint, _generatorPlusPointIsInfinity, point);
        if (JacobianArithmetic.IsInfinity(curve, point))
            return false;

        // Steps 6-8: valid iff x_R mod n = r. As x_R is in [0, p) and p < 2n, that is x_R = r or
        // x_R = r + n; and x_R = X/Z², so compare X with r·Z² instead of inverting Z.
        // (r < n < p, so r is already a field element.)
        var x = point[..l];
        var z = point.Slice(2 * l, l);
        Span<ulong> field2 = stackalloc ulong[2 * l];
        var zz = field2[..l];
        var candidate = field2.Slice(l, l);
        field.Multiply(z, z, zz);
        field.ToMontgomery(r, candidate);
        field.Multiply(candidate, zz, candidate);
        if (candidate.SequenceEqual(x))
            return true;
        var carry = MontgomeryModulus.AddWithCarry(r, curve.OrderLimbs, candidate);
        if (carry != 0 || !field.IsReduced(candidate))
            return false;
        field.ToMontgomery(candidate, candidate);
        field.Multiply(candidate, zz, candidate);
        return candidate.SequenceEqual(x);
    }

    /// <summary>The leftmost <paramref name="bits"/> bits of <paramref name="digest"/> as limbs, or
    /// all of it when it is shorter (SEC 1 v2 §4.1.3 step 5).</summary>
    private static void LeftmostBits(ReadOnlySpan<byte> digest, int bits, Span<ulong> result)
    {
        if (digest.Length * 8 <= bits)
        {
            MontgomeryModulus.FromBigEndian(digest, result);
            return;
        }
        var bytes = (bits + 7) / 8;
        MontgomeryModulus.FromBigEndian(digest[..bytes], result);
        ShiftRight(result, bytes * 8 - bits);
    }

    private static void ShiftRight(Span<ulong> limbs, int bits)
    {
        if (bits == 0)
            return;
        for (var i = 0; i < limbs.Length; i++)
        {
            var high = i + 1 < limbs.Length ? limbs[i + 1] : 0;
            limbs[i] = limbs[i] >> bits | high << (64 - bits);
        }
    }

    private static void CheckLength(EcCurve curve, ReadOnlySpan<byte> coordinate, string name)
    {
        if (coordinate.Length != curve.FieldLength)
            throw new ArgumentException(
                $"A {curve} key's {name} coordinate must be {curve.FieldLength} bytes; this one is {coordinate.Length}.", name);
    }
}
