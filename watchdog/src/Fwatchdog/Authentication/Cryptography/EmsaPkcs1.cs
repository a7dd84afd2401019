namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// EMSA-PKCS1-v1_5 encoding (RFC 8017 §9.2): <c>00 01 FF…FF 00 || DigestInfo</c>, where DigestInfo
/// is the DER of the hash's algorithm identifier followed by the digest.
/// </summary>
/// <remarks>
/// Verification builds this block and compares it whole with the one recovered from the signature
/// (the way RFC 8017 §8.2.2 step 4 describes) instead of parsing the recovered block: parsers of
/// that block are where the Bleichenbacher-style forgeries against e = 3 came from (accepting
/// trailing garbage, or a DigestInfo whose length fields were not checked).
/// </remarks>
internal static class EmsaPkcs1
{
    // The DER of DigestInfo up to the digest, from RFC 8017 §9.2 note 1. Only the form with NULL
    // parameters: that is what signers emit, and what Go's crypto/rsa and .NET accept too.
    private static ReadOnlySpan<byte> Sha256DigestInfoPrefix =>
        [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
    private static ReadOnlySpan<byte> Sha384DigestInfoPrefix =>
        [0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30];
    private static ReadOnlySpan<byte> Sha512DigestInfoPrefix =>
        [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40];

    /// <summary>The bytes besides the FF padding: 00 01 before it, 00 after it (§9.2 step 5).</summary>
    private const int FramingBytes = 3;

    /// <summary>The fewest FF bytes §9.2 step 4 allows (emLen ≥ tLen + 11 leaves at least 8).</summary>
    private const int MinPaddingBytes = 8;

    /// <summary>Writes the encoding of <paramref name="digest"/> into all of <paramref name="encoded"/>
    /// (its length is emLen, the modulus length in bytes).</summary>
    public static void Encode(JwsHash hash, ReadOnlySpan<byte> digest, Span<byte> encoded)
    {
        var prefix = DigestInfoPrefix(hash);
        var digestInfoLength = prefix.Length + digest.Length;
        var paddingLength = encoded.Length - digestInfoLength - FramingBytes;
        if (paddingLength < MinPaddingBytes)
            throw new ArgumentException(
                $"A {encoded.Length}-byte block is too short for a PKCS #1 v1.5 encoding of a {digest.Length}-byte digest.",
                nameof(encoded));

        encoded[0] = 0x00;
        encoded[1] = 0x01;
        encoded.Slice(2, paddingLength).Fill(0xFF);
        encoded[2 + paddingLength] = 0x00;
        prefix.CopyTo(encoded[(FramingBytes + paddingLength)..]);
        digest.CopyTo(encoded[(FramingBytes + paddingLength + prefix.Length)..]);
    }

    private static ReadOnlySpan<byte> DigestInfoPrefix(JwsHash hash) => hash switch
    {
        JwsHash.Sha256 => Sha256DigestInfoPrefix,
        JwsHash.Sha384 => Sha384DigestInfoPrefix,
        JwsHash.Sha512 => Sha512DigestInfoPrefix,
        _ => throw new ArgumentOutOfRangeException(nameof(hash), hash, "Not a SHA-2 hash this watchdog knows."),
    };
}
