namespace Fwatchdog.Authentication.Cryptography;

/// <summary>
/// SHA-256, SHA-384 and SHA-512 (FIPS 180-4), one-shot. Written here rather than taken from
/// System.Security.Cryptography because that one needs libssl at run time, and in the static binary
/// in an image without it the first hash aborts the process.
/// </summary>
/// <remarks>
/// The input is a JWS signing input: public data, so nothing here tries to be constant-time.
/// Each call works on a few hundred bytes of stack and allocates nothing.
/// </remarks>
public static class Sha2
{
    /// <summary>Hashes <paramref name="data"/> with <paramref name="hash"/> into the first
    /// <see cref="JwsHashExtensions.DigestLength"/> bytes of <paramref name="destination"/>.</summary>
    public static void Hash(JwsHash hash, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        switch (hash)
        {
            case JwsHash.Sha256: Sha256(data, destination); break;
            case JwsHash.Sha384: Sha384(data, destination); break;
            case JwsHash.Sha512: Sha512(data, destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(hash), hash, "Not a SHA-2 hash this watchdog knows.");
        }
    }

    /// <summary>SHA-256 (FIPS 180-4 §6.2) into the first 32 bytes of <paramref name="destination"/>.</summary>
    public static void Sha256(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        CheckRoom(destination, 32);
        Sha256Core.Hash(data, destination);
    }

    /// <summary>SHA-384 (FIPS 180-4 §6.5) into the first 48 bytes of <paramref name="destination"/>.</summary>
    public static void Sha384(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        CheckRoom(destination, 48);
        Sha512Core.Hash(Sha512Core.InitialHash384, data, destination[..48]);
    }

    /// <summary>SHA-512 (FIPS 180-4 §6.4) into the first 64 bytes of <paramref name="destination"/>.</summary>
    public static void Sha512(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        CheckRoom(destination, 64);
        Sha512Core.Hash(Sha512Core.InitialHash512, data, destination[..64]);
    }

    private static void CheckRoom(Span<byte> destination, int digestLength)
    {
        if (destination.Length < digestLength)
            throw new ArgumentException(
                $"The digest is {digestLength} bytes but the destination has room for only {destination.Length}.",
                nameof(destination));
    }
}
