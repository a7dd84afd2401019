using System.Collections.Concurrent;
using System.Numerics;
using System.Security.Cryptography;
using Fwatchdog.Authentication.Cryptography;

namespace Fwatchdog.Tests.Authentication.Cryptography;

public class RsaPublicKeyTests
{
    // Generating a 4096-bit key takes a while: one key per size for the whole class.
    private static readonly ConcurrentDictionary<int, RSA> Keys = new();

    private static RSA Signer(int bits) => Keys.GetOrAdd(bits, b => RSA.Create(b));

    private static RsaPublicKey PublicKey(int bits)
    {
        var parameters = Signer(bits).ExportParameters(includePrivateParameters: false);
        return new RsaPublicKey(parameters.Modulus, parameters.Exponent);
    }

    private static byte[] Sign(int bits, JwsHash hash, byte[] data, RSASignaturePadding? padding = null) =>
        Signer(bits).SignData(data, Name(hash), padding ?? RSASignaturePadding.Pkcs1);

    private static HashAlgorithmName Name(JwsHash hash) => hash switch
    {
        JwsHash.Sha256 => HashAlgorithmName.SHA256,
        JwsHash.Sha384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    public static TheoryData<int, JwsHash> SizesAndHashes()
    {
        var data = new TheoryData<int, JwsHash>();
        foreach (var bits in new[] { 2048, 3072, 4096 })
            foreach (var hash in Enum.GetValues<JwsHash>())
                data.Add(bits, hash);
        return data;
    }

    [Theory]
    [MemberData(nameof(SizesAndHashes))]
    public void Verifies_signatures_made_by_System_Security_Cryptography(int bits, JwsHash hash)
    {
        var key = PublicKey(bits);
        var random = new Random(8017 + bits);
        foreach (var length in new[] { 0, 1, 55, 64, 200, 1000 })
        {
            var data = new byte[length];
            random.NextBytes(data);

            Assert.True(key.VerifyPkcs1(hash, data, Sign(bits, hash, data)), $"{length}-byte message");
        }
        Assert.Equal(bits, key.ModulusBits);
        Assert.Equal(bits / 8, key.ModulusLength);
    }

    [Theory]
    [MemberData(nameof(SizesAndHashes))]
    public void Rejects_the_signature_after_any_byte_of_the_data_changes(int bits, JwsHash hash)
    {
        var key = PublicKey(bits);
        var data = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmdW5jdGlvbiJ9"u8.ToArray();
        var signature = Sign(bits, hash, data);

        for (var i = 0; i < data.Length; i++)
        {
            data[i] ^= 0x01;
            Assert.False(key.VerifyPkcs1(hash, data, signature), $"data byte {i} changed");
            data[i] ^= 0x01;
        }
        Assert.False(key.VerifyPkcs1(hash, [.. data, 0], signature), "a byte appended");
        Assert.False(key.VerifyPkcs1(hash, data[..^1], signature), "the last byte removed");
        Assert.True(key.VerifyPkcs1(hash, data, signature));
    }

    [Theory]
    [MemberData(nameof(SizesAndHashes))]
    public void Rejects_the_signature_after_any_byte_of_it_changes(int bits, JwsHash hash)
    {
        var key = PublicKey(bits);
        var data = "payload"u8.ToArray();
        var signature = Sign(bits, hash, data);

        for (var i = 0; i < signature.Length; i++)
        {
            signature[i] ^= 0x80;
            Assert.False(key.VerifyPkcs1(hash, data, signature), $"signature byte {i} changed");
            signature[i] ^= 0x80;
        }
        Assert.True(key.VerifyPkcs1(hash, data, signature));
    }

    [Theory]
    [InlineData(JwsHash.Sha256, JwsHash.Sha384)]
    [InlineData(JwsHash.Sha256, JwsHash.Sha512)]
    [InlineData(JwsHash.Sha384, JwsHash.Sha256)]
    [InlineData(JwsHash.Sha384, JwsHash.Sha512)]
    [InlineData(JwsHash.Sha512, JwsHash.Sha256)]
    [InlineData(JwsHash.Sha512, JwsHash.Sha384)]
    public void Rejects_a_signature_checked_with_another_hash(JwsHash signedWith, JwsHash checkedWith)
    {
        var data = "payload"u8.ToArray();

        Assert.False(PublicKey(2048).VerifyPkcs1(checkedWith, data, Sign(2048, signedWith, data)));
    }

    [Fact]
    public void Rejects_a_signature_that_is_not_exactly_the_modulus_length()
    {
        var key = PublicKey(2048);
        var data = "payload"u8.ToArray();
        var signature = Sign(2048, JwsHash.Sha256, data);

        // A leading zero keeps the integer the same: only the length check refuses it.
        Assert.False(key.VerifyPkcs1(JwsHash.Sha256, data, [0, .. signature]));
        Assert.False(key.VerifyPkcs1(JwsHash.Sha256, data, [.. signature, 0]));
        Assert.False(key.VerifyPkcs1(JwsHash.Sha256, data, signature[1..]));
        Assert.False(key.VerifyPkcs1(JwsHash.Sha256, data, []));
    }

    [Fact]
    public void Rejects_a_signature_not_smaller_than_the_modulus()
    {
        var parameters = Signer(2048).ExportParameters(false);
        var key = new RsaPublicKey(parameters.Modulus, parameters.Exponent);
        var n = ToInteger(parameters.Modulus!);

        // s + n gives the same s^e mod n, so it would verify if s < n were not checked. Find a
        // message whose signature still fits in k bytes after adding n.
        for (var i = 0; ; i++)
        {
            var data = BitConverter.GetBytes(i);
            var signature = Sign(2048, JwsHash.Sha256, data);
            var shifted = ToInteger(signature) + n;
            if (shifted.GetByteCount(isUnsigned: true) > key.ModulusLength)
                continue;

            Assert.True(key.VerifyPkcs1(JwsHash.Sha256, data, signature));
            Assert.False(key.VerifyPkcs1(JwsHash.Sha256, data, ToBytes(shifted, key.ModulusLength)));
            break;
        }
        Assert.False(key.VerifyPkcs1(JwsHash.Sha256, "payload"u8, parameters.Modulus));
        Assert.False(key.VerifyPkcs1(JwsHash.Sha256, "payload"u8, Enumerable.Repeat((byte)0xFF, key.ModulusLength).ToArray()));
    }

    [Theory]
    [InlineData(JwsHash.Sha256)]
    [InlineData(JwsHash.Sha384)]
    [InlineData(JwsHash.Sha512)]
    public void Rejects_a_PSS_signature(JwsHash hash)
    {
        var data = "payload"u8.ToArray();

        Assert.False(PublicKey(2048).VerifyPkcs1(hash, data, Sign(2048, hash, data, RSASignaturePadding.Pss)));
    }

    [Fact]
    public void Rejects_a_Bleichenbacher_e3_forgery_with_garbage_after_the_digest()
    {
        // Bleichenbacher (2006): with e = 3, 00 01 FF..FF 00 DigestInfo(hash) followed by garbage
        // instead of padding is a perfect cube's top bytes for some s, found without the private key.
        // A verifier that parses the block and stops after the digest accepts it.
        var data = "forged"u8.ToArray();
        var digest = SHA256.HashData(data);
        byte[] digestInfo = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20, .. digest];
        byte[] prefix = [0x00, 0x01, .. Enumerable.Repeat((byte)0xFF, 8), 0x00, .. digestInfo];
        var block = new byte[256];
        prefix.CopyTo(block, 0);
        var s = CeilingCubeRoot(ToInteger(block));
        var cube = ToBytes(BigInteger.Pow(s, 3), 256);
        Assert.Equal(prefix, cube[..prefix.Length]);

        // Any odd 2048-bit n above s^3 will do: all ones.
        var key = new RsaPublicKey(Enumerable.Repeat((byte)0xFF, 256).ToArray(), [3]);

        Assert.False(key.VerifyPkcs1(JwsHash.Sha256, data, ToBytes(s, 256)));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(2047)]
    public void Refuses_a_modulus_under_2048_bits(int bits)
    {
        var modulus = ToBytes((BigInteger.One << (bits - 1)) + 1, (bits + 7) / 8);

        var error = Assert.Throws<ArgumentException>(() => new RsaPublicKey(modulus, [1, 0, 1]));
        Assert.Contains($"modulus is {bits} bits", error.Message);
        Assert.Contains("at least 2048", error.Message);
    }

    [Fact]
    public void Refuses_a_1024_bit_key_made_by_System_Security_Cryptography()
    {
        using var rsa = RSA.Create(1024);
        var parameters = rsa.ExportParameters(false);

        var error = Assert.Throws<ArgumentException>(() => new RsaPublicKey(parameters.Modulus, parameters.Exponent));
        Assert.Contains("1024 bits", error.Message);
    }

    [Fact]
    public void Refuses_an_even_modulus()
    {
        var modulus = Signer(2048).ExportParameters(false).Modulus!;
        modulus[^1] &= 0xFE;

        var error = Assert.Throws<ArgumentException>(() => new RsaPublicKey(modulus, [1, 0, 1]));
        Assert.Contains("modulus is even", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { }, "at least 3")]
    [InlineData(new byte[] { 1 }, "at least 3")]
    [InlineData(new byte[] { 2 }, "at least 3")]
    [InlineData(new byte[] { 4 }, "even")]
    [InlineData(new byte[] { 1, 0, 0 }, "even")]
    public void Refuses_an_exponent_under_3_or_even(byte[] exponent, string expected)
    {
        var modulus = Signer(2048).ExportParameters(false).Modulus!;

        var error = Assert.Throws<ArgumentException>(() => new RsaPublicKey(modulus, exponent));
        Assert.Contains(expected, error.Message);
        Assert.Contains("exponent", error.Message);
    }

    [Fact]
    public void Refuses_an_exponent_not_smaller_than_the_modulus()
    {
        var modulus = Signer(2048).ExportParameters(false).Modulus!;

        var error = Assert.Throws<ArgumentException>(() => new RsaPublicKey(modulus, modulus));
        Assert.Contains("not smaller than its modulus", error.Message);
    }

    [Fact]
    public void Refuses_a_modulus_over_16384_bits()
    {
        var modulus = Enumerable.Repeat((byte)0xFF, 16384 / 8 + 1).ToArray();

        var error = Assert.Throws<ArgumentException>(() => new RsaPublicKey(modulus, [1, 0, 1]));
        Assert.Contains("16392 bits", error.Message);
    }

    [Fact]
    public void Accepts_a_modulus_with_leading_zero_bytes()
    {
        var parameters = Signer(2048).ExportParameters(false);
        var key = new RsaPublicKey([0, 0, .. parameters.Modulus!], parameters.Exponent);
        var data = "payload"u8.ToArray();

        Assert.Equal(256, key.ModulusLength);
        Assert.True(key.VerifyPkcs1(JwsHash.Sha256, data, Sign(2048, JwsHash.Sha256, data)));
    }

    private static BigInteger ToInteger(ReadOnlySpan<byte> bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    private static byte[] ToBytes(BigInteger value, int length)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[length - bytes.Length], .. bytes];
    }

    private static BigInteger CeilingCubeRoot(BigInteger value)
    {
        BigInteger low = 0, high = BigInteger.One << (int)(value.GetBitLength() / 3 + 1);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (BigInteger.Pow(middle, 3) >= value)
                high = middle;
            else
                low = middle + 1;
        }
        return low;
    }
}
