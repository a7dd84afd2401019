namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// The SHA-2 hash a JWS algorithm names: the digits of RS256/ES256 are SHA-256, of RS384/ES384
/// SHA-384, of RS512 SHA-512 (RFC 7518 §3.1).
/// </summary>
public enum JwsHash
{
    Sha256,
    Sha384,
    Sha512,
}

public static class JwsHashExtensions
{
    /// <summary>The largest digest of any <see cref="JwsHash"/>, for a stack buffer that fits them all.</summary>
    public const int MaxDigestLength = 64;

    /// <summary>The digest length in bytes (FIPS 180-4 §1, table 1: 256, 384 and 512 bits).</summary>
    public static int DigestLength(this JwsHash hash) => hash switch
    {
        JwsHash.Sha256 => 32,
        JwsHash.Sha384 => 48,
        JwsHash.Sha512 => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(hash), hash, "Not a SHA-2 hash this watchdog knows."),
    };
}
