using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Fwatchdog.Authentication.Cryptography;

namespace Fwatchdog.Tests.Authentication.Cryptography;

public class Sha2Tests
{
    private const string Bits448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    private const string Bits896 =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

    // The FIPS 180-2 appendix examples and the NIST "one million a" vector.
    public static TheoryData<JwsHash, string, int, string> NistVectors => new()
    {
        { JwsHash.Sha256, "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { JwsHash.Sha256, "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { JwsHash.Sha256, Bits448, 1, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
        { JwsHash.Sha256, Bits896, 1, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
        { JwsHash.Sha256, "a", 1_000_000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
        { JwsHash.Sha384, "abc", 1, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7" },
        { JwsHash.Sha384, "", 1, "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b" },
        { JwsHash.Sha384, Bits448, 1, "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b" },
        { JwsHash.Sha384, Bits896, 1, "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039" },
        { JwsHash.Sha384, "a", 1_000_000, "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985" },
        { JwsHash.Sha512, "abc", 1, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
        { JwsHash.Sha512, "", 1, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
        { JwsHash.Sha512, Bits448, 1, "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
        { JwsHash.Sha512, Bits896, 1, "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
        { JwsHash.Sha512, "a", 1_000_000, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
    };

    [Theory]
    [MemberData(nameof(NistVectors))]
    public void Gives_the_NIST_digests(JwsHash hash, string text, int repeat, string expectedHex)
    {
        var message = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(text, repeat)));

        Assert.Equal(expectedHex, Convert.ToHexStringLower(Digest(hash, message)));
    }

    [Theory]
    [InlineData(JwsHash.Sha256)]
    [InlineData(JwsHash.Sha384)]
    [InlineData(JwsHash.Sha512)]
    public void Matches_System_Security_Cryptography_for_every_length_up_to_300_bytes(JwsHash hash)
    {
        // Every length crosses each padding case: room for the length field in the last block or not,
        // and a message ending exactly on a block boundary.
        var random = new Random(180_4);
        for (var length = 0; length <= 300; length++)
        {
            var message = new byte[length];
            random.NextBytes(message);

            Assert.Equal(Oracle(hash, message), Digest(hash, message));
        }
    }

    [Theory]
    [InlineData(JwsHash.Sha256, 32)]
    [InlineData(JwsHash.Sha384, 48)]
    [InlineData(JwsHash.Sha512, 64)]
    public void Writes_only_the_digest_length_into_a_larger_destination(JwsHash hash, int digestLength)
    {
        var destination = Enumerable.Repeat((byte)0xEE, 100).ToArray();

        Sha2.Hash(hash, "abc"u8, destination);

        Assert.Equal(digestLength, hash.DigestLength());
        Assert.Equal(Oracle(hash, "abc"u8.ToArray()), destination[..digestLength]);
        Assert.All(destination[digestLength..], b => Assert.Equal(0xEE, b));
    }

    [Theory]
    [InlineData(JwsHash.Sha256)]
    [InlineData(JwsHash.Sha384)]
    [InlineData(JwsHash.Sha512)]
    public void Refuses_a_destination_shorter_than_the_digest(JwsHash hash)
    {
        var destination = new byte[hash.DigestLength() - 1];

        var error = Assert.Throws<ArgumentException>(() => Sha2.Hash(hash, "abc"u8, destination));
        Assert.Contains("room for only", error.Message);
    }

    [Fact]
    public void Sha256_round_constants_are_the_cube_roots_of_the_first_64_primes()
    {
        var expected = FirstPrimes(64).Select(p => (uint)(IntegerRoot(new BigInteger(p) << 96, 3) & uint.MaxValue));

        Assert.Equal(expected, Sha256Core.RoundConstants.ToArray());
    }

    [Fact]
    public void Sha256_initial_hash_is_the_square_roots_of_the_first_8_primes()
    {
        var expected = FirstPrimes(8).Select(p => (uint)(IntegerRoot(new BigInteger(p) << 64, 2) & uint.MaxValue));

        Assert.Equal(expected, Sha256Core.InitialHash.ToArray());
    }

    [Fact]
    public void Sha512_round_constants_are_the_cube_roots_of_the_first_80_primes()
    {
        var expected = FirstPrimes(80).Select(p => (ulong)(IntegerRoot(new BigInteger(p) << 192, 3) & ulong.MaxValue));

        Assert.Equal(expected, Sha512Core.RoundConstants.ToArray());
    }

    [Fact]
    public void Sha512_and_Sha384_initial_hashes_are_the_square_roots_of_the_first_16_primes()
    {
        var roots = FirstPrimes(16).Select(p => (ulong)(IntegerRoot(new BigInteger(p) << 128, 2) & ulong.MaxValue)).ToArray();

        Assert.Equal(roots[..8], Sha512Core.InitialHash512.ToArray());
        Assert.Equal(roots[8..], Sha512Core.InitialHash384.ToArray());
    }

    private static byte[] Digest(JwsHash hash, byte[] message)
    {
        var digest = new byte[hash.DigestLength()];
        Sha2.Hash(hash, message, digest);
        return digest;
    }

    private static byte[] Oracle(JwsHash hash, byte[] message) => hash switch
    {
        JwsHash.Sha256 => SHA256.HashData(message),
        JwsHash.Sha384 => SHA384.HashData(message),
        _ => SHA512.HashData(message),
    };

    private static IEnumerable<int> FirstPrimes(int count) =>
        Enumerable.Range(2, int.MaxValue - 2).Where(n => Enumerable.Range(2, n - 2).All(d => n % d != 0)).Take(count);

    /// <summary>floor(value^(1/degree)), by bisection: slow and obviously right.</summary>
    private static BigInteger IntegerRoot(BigInteger value, int degree)
    {
        BigInteger low = 0, high = BigInteger.One << (int)(value.GetBitLength() / degree + 1);
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (BigInteger.Pow(middle, degree) <= value)
                low = middle;
            else
                high = middle - 1;
        }
        return low;
    }
}
