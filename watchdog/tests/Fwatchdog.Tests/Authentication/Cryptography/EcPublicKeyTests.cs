using System.Numerics;
using System.Security.Cryptography;
using Fwatchdog.Authentication.Cryptography;

namespace Fwatchdog.Tests.Authentication.Cryptography;

public class EcPublicKeyTests
{
    private const int KeysPerCurve = 50;

    public static TheoryData<string> Curves => new() { "P-256", "P-384" };

    // Each curve with each hash: the JWS pairs (ES256, ES384) and the others, where the digest is
    // longer than n (truncated) or shorter.
    public static TheoryData<string, JwsHash> CurvesAndHashes()
    {
        var data = new TheoryData<string, JwsHash>();
        foreach (var curve in new[] { "P-256", "P-384" })
            foreach (var hash in Enum.GetValues<JwsHash>())
                data.Add(curve, hash);
        return data;
    }

    [Theory]
    [MemberData(nameof(CurvesAndHashes))]
    public void Verifies_signatures_made_by_System_Security_Cryptography(string curveName, JwsHash hash)
    {
        var random = new Random(1863 + curveName.Length + (int)hash);
        for (var i = 0; i < KeysPerCurve; i++)
        {
            using var signer = ECDsa.Create(DotNetCurve(curveName));
            var key = PublicKey(signer);
            var data = new byte[random.Next(0, 300)];
            random.NextBytes(data);

            Assert.True(key.VerifyEcdsa(hash, data, Sign(signer, hash, data)), $"key {i}, {data.Length}-byte message");
        }
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Rejects_the_signature_after_any_byte_of_the_data_changes(string curveName)
    {
        using var signer = ECDsa.Create(DotNetCurve(curveName));
        var key = PublicKey(signer);
        var hash = JwsHashOf(curveName);
        var data = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJmdW5jdGlvbiJ9"u8.ToArray();
        var signature = Sign(signer, hash, data);

        for (var i = 0; i < data.Length; i++)
        {
            data[i] ^= 0x01;
            Assert.False(key.VerifyEcdsa(hash, data, signature), $"data byte {i} changed");
            data[i] ^= 0x01;
        }
        Assert.False(key.VerifyEcdsa(hash, [.. data, 0], signature), "a byte appended");
        Assert.True(key.VerifyEcdsa(hash, data, signature));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Rejects_the_signature_after_any_byte_of_it_changes(string curveName)
    {
        using var signer = ECDsa.Create(DotNetCurve(curveName));
        var key = PublicKey(signer);
        var hash = JwsHashOf(curveName);
        var data = "payload"u8.ToArray();
        var signature = Sign(signer, hash, data);

        for (var i = 0; i < signature.Length; i++)
        {
            signature[i] ^= 0x04;
            Assert.False(key.VerifyEcdsa(hash, data, signature), $"signature byte {i} changed");
            signature[i] ^= 0x04;
        }
        Assert.True(key.VerifyEcdsa(hash, data, signature));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Rejects_r_or_s_out_of_range(string curveName)
    {
        var curve = Curve(curveName);
        using var signer = ECDsa.Create(DotNetCurve(curveName));
        var key = PublicKey(signer);
        var hash = JwsHashOf(curveName);
        var data = "payload"u8.ToArray();
        var signature = Sign(signer, hash, data);
        var length = curve.OrderLength;
        var r = signature[..length];
        var s = signature[length..];
        var zero = new byte[length];
        var n = Convert.FromHexString(OrderHex(curveName));
        var allOnes = Enumerable.Repeat((byte)0xFF, length).ToArray();

        Assert.True(key.VerifyEcdsa(hash, data, [.. r, .. s]));
        Assert.False(key.VerifyEcdsa(hash, data, [.. zero, .. s]), "r = 0");
        Assert.False(key.VerifyEcdsa(hash, data, [.. r, .. zero]), "s = 0");
        Assert.False(key.VerifyEcdsa(hash, data, [.. n, .. s]), "r = n");
        Assert.False(key.VerifyEcdsa(hash, data, [.. r, .. n]), "s = n");
        Assert.False(key.VerifyEcdsa(hash, data, [.. n, .. n]), "r = s = n");
        Assert.False(key.VerifyEcdsa(hash, data, [.. allOnes, .. s]), "r > n");
        Assert.False(key.VerifyEcdsa(hash, data, [.. r, .. allOnes]), "s > n");
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Rejects_the_psychic_signature_r_and_s_zero(string curveName)
    {
        // CVE-2022-21449: Java accepted r = s = 0 for any message and key, as 0⁻¹ "= 0" makes R the
        // point at infinity, whose x it took as 0 = r.
        using var signer = ECDsa.Create(DotNetCurve(curveName));
        var key = PublicKey(signer);

        Assert.False(key.VerifyEcdsa(JwsHashOf(curveName), "anything"u8, new byte[2 * key.Curve.OrderLength]));
        Assert.False(key.VerifyEcdsa(JwsHashOf(curveName), ""u8, new byte[2 * key.Curve.OrderLength]));
    }

    [Theory]
    [InlineData("P-256", JwsHash.Sha256, JwsHash.Sha384)]
    [InlineData("P-256", JwsHash.Sha256, JwsHash.Sha512)]
    [InlineData("P-384", JwsHash.Sha384, JwsHash.Sha256)]
    [InlineData("P-384", JwsHash.Sha384, JwsHash.Sha512)]
    public void Rejects_a_signature_checked_with_another_hash(string curveName, JwsHash signedWith, JwsHash checkedWith)
    {
        using var signer = ECDsa.Create(DotNetCurve(curveName));
        var data = "payload"u8.ToArray();

        Assert.False(PublicKey(signer).VerifyEcdsa(checkedWith, data, Sign(signer, signedWith, data)));
    }

    [Fact]
    public void Rejects_a_signature_checked_with_a_key_on_the_other_curve()
    {
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var data = "payload"u8.ToArray();

        Assert.False(PublicKey(p384).VerifyEcdsa(JwsHash.Sha256, data, Sign(p256, JwsHash.Sha256, data)));
        Assert.False(PublicKey(p256).VerifyEcdsa(JwsHash.Sha384, data, Sign(p384, JwsHash.Sha384, data)));
        // The same length is not enough either: P-256 r || s cut or padded to P-384's 96 bytes.
        var p256Signature = Sign(p256, JwsHash.Sha256, data);
        Assert.False(PublicKey(p384).VerifyEcdsa(JwsHash.Sha256, data, [.. new byte[16], .. p256Signature[..32], .. new byte[16], .. p256Signature[32..]]));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Rejects_a_DER_encoded_signature(string curveName)
    {
        using var signer = ECDsa.Create(DotNetCurve(curveName));
        var key = PublicKey(signer);
        var hash = JwsHashOf(curveName);
        var data = "payload"u8.ToArray();
        for (var i = 0; i < 20; i++)
        {
            var der = signer.SignData(data, Name(hash), DSASignatureFormat.Rfc3279DerSequence);
            Assert.True(signer.VerifyData(data, der, Name(hash), DSASignatureFormat.Rfc3279DerSequence));

            Assert.False(key.VerifyEcdsa(hash, data, der));
        }
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Rejects_a_signature_of_the_wrong_length(string curveName)
    {
        using var signer = ECDsa.Create(DotNetCurve(curveName));
        var key = PublicKey(signer);
        var hash = JwsHashOf(curveName);
        var data = "payload"u8.ToArray();
        var signature = Sign(signer, hash, data);

        Assert.False(key.VerifyEcdsa(hash, data, [0, .. signature]));
        Assert.False(key.VerifyEcdsa(hash, data, [.. signature, 0]));
        Assert.False(key.VerifyEcdsa(hash, data, signature[..^1]));
        Assert.False(key.VerifyEcdsa(hash, data, []));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Refuses_a_point_not_on_the_curve(string curveName)
    {
        using var signer = ECDsa.Create(DotNetCurve(curveName));
        var point = signer.ExportParameters(false).Q;
        var y = point.Y!.ToArray();
        y[^1] ^= 0x01;

        var error = Assert.Throws<ArgumentException>(() => new EcPublicKey(Curve(curveName), point.X, y));
        Assert.Contains($"not on the curve {curveName}", error.Message);
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Refuses_a_coordinate_not_below_p_even_when_it_is_on_the_curve_mod_p(string curveName)
    {
        // (x + p, y) satisfies the curve equation mod p whenever (x, y) does; only the range check
        // refuses it. Find a small x with a square root of x³ − 3x + b (p ≡ 3 mod 4 on both curves).
        var curve = Curve(curveName);
        var p = ToInteger(Convert.FromHexString(PrimeHex(curveName)));
        var b = ToInteger(Convert.FromHexString(BHex(curveName)));
        for (BigInteger x = 0; ; x++)
        {
            var right = ((x * x - 3) * x + b) % p;
            var y = BigInteger.ModPow(right, (p + 1) / 4, p);
            if (y * y % p != right)
                continue;

            Assert.NotNull(new EcPublicKey(curve, ToBytes(x, curve.FieldLength), ToBytes(y, curve.FieldLength)));
            var error = Assert.Throws<ArgumentException>(
                () => new EcPublicKey(curve, ToBytes(x + p, curve.FieldLength), ToBytes(y, curve.FieldLength)));
            Assert.Contains("not below the field prime", error.Message);
            break;
        }
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Refuses_the_point_at_infinity(string curveName)
    {
        var curve = Curve(curveName);
        var zero = new byte[curve.FieldLength];

        var error = Assert.Throws<ArgumentException>(() => new EcPublicKey(curve, zero, zero));
        Assert.Contains("point at infinity", error.Message);
    }

    [Theory]
    [InlineData("P-256", 31, 32)]
    [InlineData("P-256", 33, 32)]
    [InlineData("P-256", 32, 48)]
    [InlineData("P-384", 48, 32)]
    [InlineData("P-384", 47, 48)]
    public void Refuses_a_coordinate_of_the_wrong_length(string curveName, int xLength, int yLength)
    {
        var error = Assert.Throws<ArgumentException>(() => new EcPublicKey(Curve(curveName), new byte[xLength], new byte[yLength]));
        Assert.Contains("coordinate must be", error.Message);
    }

    [Fact]
    public void Refuses_a_coordinate_with_a_leading_zero_byte_added()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var point = signer.ExportParameters(false).Q;

        Assert.Throws<ArgumentException>(() => new EcPublicKey(EcCurve.P256, [0, .. point.X!], point.Y));
    }

    [Theory]
    [InlineData("P-256", "01")]
    [InlineData("P-384", "01")]
    [InlineData("P-256", "order-1")]
    [InlineData("P-384", "order-1")]
    public void Verifies_with_the_keys_whose_point_is_G_or_minus_G(string curveName, string privateKey)
    {
        // Q = G makes G + Q a doubling, Q = −G makes it the point at infinity: the special cases of
        // the joint multiplication's table.
        var curve = Curve(curveName);
        var n = ToInteger(Convert.FromHexString(OrderHex(curveName)));
        var d = privateKey == "01" ? BigInteger.One : n - 1;
        using var signer = ECDsa.Create(new ECParameters { Curve = DotNetCurve(curveName), D = ToBytes(d, curve.OrderLength) });
        var key = PublicKey(signer);
        var hash = JwsHashOf(curveName);
        for (var i = 0; i < 10; i++)
        {
            var data = BitConverter.GetBytes(i);
            Assert.True(key.VerifyEcdsa(hash, data, Sign(signer, hash, data)));
            Assert.False(key.VerifyEcdsa(hash, [.. data, 0], Sign(signer, hash, data)));
        }
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Verifies_a_signature_whose_R_has_an_x_of_n_or_more(string curveName)
    {
        // r is x_R mod n (SEC 1 v2 §4.1.4 step 7), and x_R can lie in [n, p): about one signature in
        // 2^128, so none from a real signer. Build one: pick such an R (x > n, so r ≠ 0), take s = 1 (so u1 = e, u2 = r)
        // and solve for the key: Q = r⁻¹·(R − e·G).
        var curve = Curve(curveName);
        var n = curve.Order;
        var p = curve.Prime;
        var hash = JwsHashOf(curveName);
        var data = "payload"u8.ToArray();
        var digest = hash == JwsHash.Sha256 ? SHA256.HashData(data) : SHA384.HashData(data);
        var e = ToInteger(digest);
        for (var x = n + 1; ; x++)
        {
            var right = ((x * x - 3) * x + curve.B) % p;
            var y = BigInteger.ModPow(right, (p + 1) / 4, p);
            if (y * y % p != right)
                continue;

            var r = x - n;
            var rInverse = BigInteger.ModPow(r, n - 2, n);
            var q = CurvePoints.LinearCombination(curve, (n - e % n) * rInverse % n, rInverse, (x, y))!.Value;
            var key = new EcPublicKey(curve, ToBytes(q.X, curve.FieldLength), ToBytes(q.Y, curve.FieldLength));
            var one = ToBytes(BigInteger.One, curve.OrderLength);

            Assert.True(key.VerifyEcdsa(hash, data, [.. ToBytes(r, curve.OrderLength), .. one]));
            Assert.False(key.VerifyEcdsa(hash, [.. data, 0], [.. ToBytes(r, curve.OrderLength), .. one]));
            // x_R itself as r is out of range.
            Assert.False(key.VerifyEcdsa(hash, data, [.. ToBytes(x, curve.OrderLength), .. one]));
            break;
        }
    }

    private static EcCurve Curve(string name) => name == "P-256" ? EcCurve.P256 : EcCurve.P384;

    private static ECCurve DotNetCurve(string name) => name == "P-256" ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384;

    private static JwsHash JwsHashOf(string curveName) => curveName == "P-256" ? JwsHash.Sha256 : JwsHash.Sha384;

    private static EcPublicKey PublicKey(ECDsa signer)
    {
        var parameters = signer.ExportParameters(false);
        var curve = parameters.Q.X!.Length == 32 ? EcCurve.P256 : EcCurve.P384;
        return new EcPublicKey(curve, parameters.Q.X, parameters.Q.Y);
    }

    private static byte[] Sign(ECDsa signer, JwsHash hash, byte[] data) =>
        signer.SignData(data, Name(hash), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    private static HashAlgorithmName Name(JwsHash hash) => hash switch
    {
        JwsHash.Sha256 => HashAlgorithmName.SHA256,
        JwsHash.Sha384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    // The parameters as .NET exports them, independent of EcCurve's own copy.
    private static ECParameters Explicit(string curveName)
    {
        using var ecdsa = ECDsa.Create(DotNetCurve(curveName));
        return ecdsa.ExportExplicitParameters(false);
    }

    private static string OrderHex(string curveName) => Convert.ToHexString(Explicit(curveName).Curve.Order!);
    private static string PrimeHex(string curveName) => Convert.ToHexString(Explicit(curveName).Curve.Prime!);
    private static string BHex(string curveName) => Convert.ToHexString(Explicit(curveName).Curve.B!);

    private static BigInteger ToInteger(ReadOnlySpan<byte> bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    private static byte[] ToBytes(BigInteger value, int length)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[length - bytes.Length], .. bytes];
    }
}
