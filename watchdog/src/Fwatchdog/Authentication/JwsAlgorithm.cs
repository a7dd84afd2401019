using Fwatchdog.Authentication.Cryptography;

namespace Fwatchdog.Authentication;

/// <summary>
/// The signature algorithms a function token may use (RFC 7518 §3.1): RSASSA-PKCS1-v1_5 and ECDSA
/// with SHA-2. Everything else is refused by name — <c>none</c>, the HMAC family (a public key must
/// never serve as a shared secret: algorithm confusion), PSS and curves we do not implement.
/// </summary>
public enum JwsAlgorithm { RS256, RS384, RS512, ES256, ES384 }

public static class JwsAlgorithms
{
    /// <summary>The names as they appear in a token header, for the refusal message.</summary>
    public const string Accepted = "RS256, RS384, RS512, ES256, ES384";

    public static bool TryParse(string? name, out JwsAlgorithm algorithm)
    {
        // Case-sensitive, as RFC 7515 §4.1.1 defines "alg" values.
        switch (name)
        {
            case "RS256": algorithm = JwsAlgorithm.RS256; return true;
            case "RS384": algorithm = JwsAlgorithm.RS384; return true;
            case "RS512": algorithm = JwsAlgorithm.RS512; return true;
            case "ES256": algorithm = JwsAlgorithm.ES256; return true;
            case "ES384": algorithm = JwsAlgorithm.ES384; return true;
            default: algorithm = default; return false;
        }
    }

    public static JwsHash Hash(this JwsAlgorithm algorithm) => algorithm switch
    {
        JwsAlgorithm.RS256 or JwsAlgorithm.ES256 => JwsHash.Sha256,
        JwsAlgorithm.RS384 or JwsAlgorithm.ES384 => JwsHash.Sha384,
        JwsAlgorithm.RS512 => JwsHash.Sha512,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };
}
