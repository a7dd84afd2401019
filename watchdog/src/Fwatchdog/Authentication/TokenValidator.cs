using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Fwatchdog.Authentication;

/// <summary>
/// Checks one OpenFaaS function token (a JWS in compact serialization, RFC 7515 §7.1) the way the
/// Go middleware does, and stricter where it is weak. The steps, in order, each refusing with its
/// own reason:
/// <list type="number">
/// <item>shape: three base64url parts, at most <see cref="MaxTokenLength"/> characters;</item>
/// <item>header: an accepted "alg" (never "none" or HMAC), a "kid", no "crit" extensions;</item>
/// <item>key: the one the kid names — unknown kids are reported apart, since keys rotate — and one
///   that allows that algorithm;</item>
/// <item>claims, cheap before the signature: "exp" required and not past, "nbf" reached,
///   "iss" the discovered issuer, "aud" containing it (all with <see cref="Leeway"/>);</item>
/// <item>signature over header.payload;</item>
/// <item>the "function" claim's permissions and audience against this function (<see cref="ResourcePattern"/>).</item>
/// </list>
/// Pure: the caller supplies keys, issuer and time. No reason quotes the token.
/// </summary>
public static class TokenValidator
{
    /// <summary>Gateway tokens are well under 2 KiB; the bound keeps decoding cheap for anything sent.</summary>
    public const int MaxTokenLength = 16 * 1024;

    /// <summary>The Go middleware's clock-skew allowance.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(1);

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 16 };

    public static TokenVerdict Validate(string token, TrustedKeys trusted, string functionReference, DateTimeOffset now)
    {
        if (token.Length > MaxTokenLength)
            return TokenVerdict.Unauthorized($"the token is longer than {MaxTokenLength} characters");
        var firstDot = token.IndexOf('.');
        var secondDot = firstDot < 0 ? -1 : token.IndexOf('.', firstDot + 1);
        if (secondDot < 0 || token.IndexOf('.', secondDot + 1) >= 0)
            return TokenVerdict.Unauthorized("the token is not a signed JWT (header.payload.signature)");
        var span = token.AsSpan();
        if (!Base64Url.TryDecode(span[..firstDot], out var headerBytes)
            || !Base64Url.TryDecode(span[(firstDot + 1)..secondDot], out var payloadBytes)
            || !Base64Url.TryDecode(span[(secondDot + 1)..], out var signature))
            return TokenVerdict.Unauthorized("a part of the token is not base64url");

        if (ReadHeader(headerBytes, out var algorithm, out var keyId) is { } headerProblem)
            return TokenVerdict.Unauthorized(headerProblem);
        if (!trusted.Keys.TryGetValue(keyId, out var key))
            return new TokenVerdict(TokenVerdictKind.UnknownKey, "the token names a key (kid) the gateway does not publish");
        if (!key.Allows(algorithm))
            return TokenVerdict.Unauthorized($"the token's algorithm {algorithm} is not one its key (kid) may verify");

        var claims = ReadClaims(payloadBytes, trusted.Issuer, now, out var permissions, out var audience, out var expiresAt);
        if (claims is not null)
            return TokenVerdict.Unauthorized(claims);
        if (signature.Length == 0 || !VerifySignature(key, algorithm, span[..secondDot], signature))
            return TokenVerdict.Unauthorized("the token's signature does not verify with the gateway's key");
        return ResourcePattern.Authorizes(permissions, audience, functionReference)
            ? new TokenVerdict(TokenVerdictKind.Admitted, "", expiresAt)
            : new TokenVerdict(TokenVerdictKind.Forbidden, $"the token grants no permission for {functionReference}", expiresAt);
    }

    private static string? ReadHeader(byte[] json, out JwsAlgorithm algorithm, out string keyId)
    {
        algorithm = default;
        keyId = "";
        if (!TryParseObject(json, out var document))
            return "the token's header is not a JSON object";
        using (document)
        {
            var header = document.RootElement;
            var alg = String(header, "alg");
            if (alg is null)
                return "the token's header has no \"alg\"";
            if (alg.Equals("none", StringComparison.OrdinalIgnoreCase))
                return "unsigned tokens (\"alg\": \"none\") are not accepted";
            if (!JwsAlgorithms.TryParse(alg, out algorithm))
                return $"the token's algorithm is not accepted; accepted: {JwsAlgorithms.Accepted}";
            if (header.TryGetProperty("crit", out _))
                return "the token's header lists critical extensions (\"crit\"), which this watchdog does not implement";
            if (String(header, "kid") is not { Length: > 0 } kid)
                return "the token's header names no key (\"kid\")";
            keyId = kid;
            return null;
        }
    }

    private static string? ReadClaims(byte[] json, string issuer, DateTimeOffset now,
        out IReadOnlyList<string> permissions, out IReadOnlyList<string> audience, out double expiresAt)
    {
        permissions = [];
        audience = [];
        expiresAt = 0;
        if (!TryParseObject(json, out var document))
            return "the token's claims are not a JSON object";
        using (document)
        {
            var claims = document.RootElement;
            var seconds = now.ToUnixTimeMilliseconds() / 1000.0;
            var leeway = Leeway.TotalSeconds;
            if (Number(claims, "exp") is not { } exp)
                return "the token has no expiry (\"exp\"); tokens without one are not accepted";
            if (seconds > exp + leeway)
                return "the token has expired";
            if (claims.TryGetProperty("nbf", out _) && (Number(claims, "nbf") is not { } nbf || seconds + leeway < nbf))
                return "the token is not valid yet (\"nbf\")";
            if (String(claims, "iss") != issuer)
                return $"the token was not issued by {issuer} (\"iss\")";
            if (!Strings(claims, "aud").Contains(issuer, StringComparer.Ordinal))
                return $"the token's audience (\"aud\") does not include {issuer}";
            if (claims.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
            {
                permissions = Strings(function, "permissions");
                audience = Strings(function, "audience");
            }
            expiresAt = exp;
            return null;
        }
    }

    private static bool VerifySignature(VerificationKey key, JwsAlgorithm algorithm, ReadOnlySpan<char> signingInput, byte[] signature)
    {
        // The signing input is base64url text, so ASCII: one byte per char.
        var length = signingInput.Length;
        var rented = length <= 1024 ? null : ArrayPool<byte>.Shared.Rent(length);
        var bytes = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        try
        {
            Encoding.ASCII.GetBytes(signingInput, bytes);
            return key.Verify(algorithm, bytes, signature);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool TryParseObject(byte[] json, out JsonDocument document)
    {
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException)
        {
            document = null!;
            return false; // the caller's reason says what was malformed; the parser's detail would quote the token
        }
        if (document.RootElement.ValueKind == JsonValueKind.Object)
            return true;
        document.Dispose();
        return false;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) ? number : null;

    /// <summary>A claim that may be one string or an array of them (RFC 7519 §4.1.3); other entries are ignored.</summary>
    private static IReadOnlyList<string> Strings(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
            return [];
        if (value.ValueKind == JsonValueKind.String)
            return [value.GetString()!];
        if (value.ValueKind != JsonValueKind.Array)
            return [];
        var list = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
                list.Add(item.GetString()!);
        }
        return list;
    }
}
