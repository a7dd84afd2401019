using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fwatchdog.Testing.Tokens;

/// <summary>
/// A gateway signing key made in the test (System.Security.Cryptography is the reference here; the
/// watchdog verifies with its own code): its JWK for the fake JWKS, and tokens signed with it.
/// </summary>
public sealed class TestSigningKey : IDisposable
{
    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;
    private readonly HashAlgorithmName _hash;

    private TestSigningKey(string keyId, string algorithm, ECDsa? ec, RSA? rsa, HashAlgorithmName hash)
    {
        KeyId = keyId;
        Algorithm = algorithm;
        _ec = ec;
        _rsa = rsa;
        _hash = hash;
    }

    public string KeyId { get; }
    public string Algorithm { get; }

    public static TestSigningKey Es256(string keyId = "es256-key") => new(keyId, "ES256", ECDsa.Create(ECCurve.NamedCurves.nistP256), null, HashAlgorithmName.SHA256);
    public static TestSigningKey Es384(string keyId = "es384-key") => new(keyId, "ES384", ECDsa.Create(ECCurve.NamedCurves.nistP384), null, HashAlgorithmName.SHA384);
    public static TestSigningKey Rs256(string keyId = "rs256-key", int bits = 2048) => new(keyId, "RS256", null, RSA.Create(bits), HashAlgorithmName.SHA256);
    public static TestSigningKey Rs512(string keyId = "rs512-key") => new(keyId, "RS512", null, RSA.Create(2048), HashAlgorithmName.SHA512);

    /// <summary>The public JWK as a gateway publishes it; <paramref name="declareAlgorithm"/> adds "alg".</summary>
    public Dictionary<string, string> Jwk(bool declareAlgorithm = true)
    {
        var jwk = new Dictionary<string, string> { ["kid"] = KeyId, ["use"] = "sig" };
        if (declareAlgorithm)
            jwk["alg"] = Algorithm;
        if (_ec is not null)
        {
            var p = _ec.ExportParameters(false);
            jwk["kty"] = "EC";
            jwk["crv"] = Algorithm == "ES256" ? "P-256" : "P-384";
            jwk["x"] = Base64Url(p.Q.X!);
            jwk["y"] = Base64Url(p.Q.Y!);
        }
        else
        {
            var p = _rsa!.ExportParameters(false);
            jwk["kty"] = "RSA";
            jwk["n"] = Base64Url(p.Modulus!);
            jwk["e"] = Base64Url(p.Exponent!);
        }
        return jwk;
    }

    /// <summary>The DER SubjectPublicKeyInfo: what an algorithm-confusion attacker uses as an HMAC secret.</summary>
    public byte[] PublicKeyBytes() => _ec is not null ? _ec.ExportSubjectPublicKeyInfo() : _rsa!.ExportSubjectPublicKeyInfo();

    /// <summary>A compact JWS of <paramref name="claims"/>; the header is {"alg","kid","typ"} unless given.</summary>
    public string Token(object claims, string? headerJson = null)
    {
        var header = headerJson ?? JsonSerializer.Serialize(new Dictionary<string, string> { ["alg"] = Algorithm, ["kid"] = KeyId, ["typ"] = "JWT" });
        var input = $"{Base64Url(Encoding.UTF8.GetBytes(header))}.{Base64Url(Encoding.UTF8.GetBytes(Json(claims)))}";
        return $"{input}.{Base64Url(Sign(Encoding.ASCII.GetBytes(input)))}";
    }

    public byte[] Sign(byte[] data) => _ec is not null
        ? _ec.SignData(data, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        : _rsa!.SignData(data, _hash, RSASignaturePadding.Pkcs1);

    public static string Json(object value) => value as string ?? JsonSerializer.Serialize(value);

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _ec?.Dispose();
        _rsa?.Dispose();
    }
}
