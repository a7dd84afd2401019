using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fwatchdog.Testing.Tokens;

/// <summary>The claims and documents of OpenFaaS function authentication, as the gateway writes them.</summary>
public static class FunctionTokens
{
    /// <summary>The claims of a function token: iss, aud (the issuer), exp, and the "function" claim.</summary>
    public static Dictionary<string, object> Claims(string issuer, DateTimeOffset expires, string[] permissions, string[]? audience = null,
        DateTimeOffset? notBefore = null)
    {
        var function = new Dictionary<string, object> { ["permissions"] = permissions };
        if (audience is not null)
            function["audience"] = audience;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["aud"] = new[] { issuer },
            ["sub"] = "test-client",
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["function"] = function,
        };
        if (notBefore is { } nbf)
            claims["nbf"] = nbf.ToUnixTimeSeconds();
        return claims;
    }

    public static string KeySet(params Dictionary<string, string>[] keys) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = keys });

    public static string Discovery(string issuer, string keySetUrl) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = issuer, ["jwks_uri"] = keySetUrl });

    /// <summary>An unsigned token ("alg": "none", empty signature).</summary>
    public static string Unsigned(object claims, string keyId) =>
        $"{Part(JsonSerializer.Serialize(new Dictionary<string, string> { ["alg"] = "none", ["kid"] = keyId }))}.{Part(TestSigningKey.Json(claims))}.";

    /// <summary>An HS256 token keyed with <paramref name="secret"/> (e.g. the public key's bytes: algorithm confusion).</summary>
    public static string Hmac(object claims, string keyId, byte[] secret)
    {
        var input = $"{Part(JsonSerializer.Serialize(new Dictionary<string, string> { ["alg"] = "HS256", ["kid"] = keyId }))}.{Part(TestSigningKey.Json(claims))}";
        return $"{input}.{TestSigningKey.Base64Url(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)))}";
    }

    private static string Part(string json) => TestSigningKey.Base64Url(Encoding.UTF8.GetBytes(json));
}
