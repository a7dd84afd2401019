using System.Text;
using Fwatchdog.Authentication;
using Fwatchdog.Testing.Tokens;

namespace Fwatchdog.Tests.Authentication;

/// <summary>Every rule of <see cref="TokenValidator"/>, one row each, with tokens signed by the reference implementation.</summary>
public sealed class TokenValidatorTests : IDisposable
{
    private const string Issuer = "http://gateway.openfaas:8080";
    private const string Reference = "openfaas-fn:echo";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);

    private readonly TestSigningKey _es256 = TestSigningKey.Es256("ec");
    private readonly TestSigningKey _rs256 = TestSigningKey.Rs256("rsa");
    private readonly TestSigningKey _undeclared = TestSigningKey.Es256("undeclared");
    private readonly TrustedKeys _trusted;

    public TokenValidatorTests()
    {
        var document = Encoding.UTF8.GetBytes(FunctionTokens.KeySet(_es256.Jwk(), _rs256.Jwk(), _undeclared.Jwk(declareAlgorithm: false)));
        _trusted = new TrustedKeys(Issuer, JsonWebKeySet.Parse(document).Keys, document);
    }

    private static Dictionary<string, object> Claims(string[]? permissions = null, TimeSpan? expiresIn = null, string? issuer = null, string[]? audience = null) =>
        FunctionTokens.Claims(issuer ?? Issuer, Now + (expiresIn ?? TimeSpan.FromMinutes(5)), permissions ?? [Reference], audience);

    private TokenVerdict Validate(string token) => TokenValidator.Validate(token, _trusted, Reference, Now);

    [Fact]
    public void ES256_and_RS256_tokens_for_this_function_are_admitted_until_their_expiry()
    {
        var es = Validate(_es256.Token(Claims()));
        var rs = Validate(_rs256.Token(Claims()));
        var undeclared = Validate(_undeclared.Token(Claims()));

        Assert.Equal(TokenVerdictKind.Admitted, es.Kind);
        Assert.Equal(TokenVerdictKind.Admitted, rs.Kind);
        Assert.Equal(TokenVerdictKind.Admitted, undeclared.Kind);
        Assert.Equal((Now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(), es.ExpiresAt);
    }

    public static TheoryData<string, string, TokenVerdictKind, string> Rows() => new()
    {
        { "expired two seconds ago", "expired:-2", TokenVerdictKind.Unauthorized, "expired" },
        { "expired within the 1 s leeway", "expired:-0.5", TokenVerdictKind.Admitted, "" },
        { "no exp", "no-exp", TokenVerdictKind.Unauthorized, "no expiry" },
        { "exp as text", "exp-text", TokenVerdictKind.Unauthorized, "no expiry" },
        { "nbf in the future", "nbf:10", TokenVerdictKind.Unauthorized, "not valid yet" },
        { "nbf within the leeway", "nbf:0.5", TokenVerdictKind.Admitted, "" },
        { "another issuer", "iss", TokenVerdictKind.Unauthorized, "was not issued by" },
        { "aud without the issuer", "aud", TokenVerdictKind.Unauthorized, "audience (\"aud\") does not include" },
        { "aud as one string", "aud-string", TokenVerdictKind.Admitted, "" },
        { "alg none", "none", TokenVerdictKind.Unauthorized, "\"alg\": \"none\"" },
        { "HS256 keyed with the public key", "hmac", TokenVerdictKind.Unauthorized, "algorithm is not accepted" },
        { "PS256", "ps256", TokenVerdictKind.Unauthorized, "algorithm is not accepted" },
        { "RS256 header on the EC key's kid", "confused", TokenVerdictKind.Unauthorized, "not one its key (kid) may verify" },
        { "ES384 on a P-256 key that declares no alg", "wrong-curve", TokenVerdictKind.Unauthorized, "not one its key (kid) may verify" },
        { "crit header", "crit", TokenVerdictKind.Unauthorized, "critical extensions" },
        { "no kid", "no-kid", TokenVerdictKind.Unauthorized, "names no key" },
        { "unknown kid", "unknown-kid", TokenVerdictKind.UnknownKey, "does not publish" },
        { "signature of another key", "forged", TokenVerdictKind.Unauthorized, "signature does not verify" },
        { "payload changed after signing", "tampered", TokenVerdictKind.Unauthorized, "signature does not verify" },
        { "empty signature", "empty-signature", TokenVerdictKind.Unauthorized, "signature does not verify" },
        { "two parts", "two-parts", TokenVerdictKind.Unauthorized, "not a signed JWT" },
        { "four parts", "four-parts", TokenVerdictKind.Unauthorized, "not a signed JWT" },
        { "padding", "padded", TokenVerdictKind.Unauthorized, "not base64url" },
        { "header not JSON", "header-text", TokenVerdictKind.Unauthorized, "header is not a JSON object" },
        { "too long", "long", TokenVerdictKind.Unauthorized, "longer than" },
        { "permission for another function", "other-function", TokenVerdictKind.Forbidden, "grants no permission for openfaas-fn:echo" },
        { "prefix permission (Go grants it)", "prefix", TokenVerdictKind.Forbidden, "grants no permission" },
        { "no function claim", "no-function", TokenVerdictKind.Forbidden, "grants no permission" },
        { "audience of another function", "function-audience", TokenVerdictKind.Forbidden, "grants no permission" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_rule_refuses_with_its_reason(string description, string kind, TokenVerdictKind expected, string reason)
    {
        var token = Make(kind);

        var verdict = Validate(token);

        Assert.True(expected == verdict.Kind, $"{description}: {verdict.Kind} ({verdict.Reason})");
        Assert.Contains(reason, verdict.Reason);
        Assert.DoesNotContain(token, verdict.Reason);
    }

    private string Make(string kind)
    {
        var claims = Claims();
        using var other = TestSigningKey.Es256(_es256.KeyId);
        switch (kind.Split(':')[0])
        {
            case "expired": claims["exp"] = Now.ToUnixTimeSeconds() + double.Parse(kind.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture); return _es256.Token(claims);
            case "no-exp": claims.Remove("exp"); return _es256.Token(claims);
            case "exp-text": claims["exp"] = "tomorrow"; return _es256.Token(claims);
            case "nbf": claims["nbf"] = Now.ToUnixTimeSeconds() + double.Parse(kind.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture); return _es256.Token(claims);
            case "iss": return _es256.Token(Claims(issuer: "http://127.0.0.1:8000"));
            case "aud": claims["aud"] = new[] { "http://elsewhere" }; return _es256.Token(claims);
            case "aud-string": claims["aud"] = Issuer; return _es256.Token(claims);
            case "none": return FunctionTokens.Unsigned(claims, _es256.KeyId);
            case "hmac": return FunctionTokens.Hmac(claims, _rs256.KeyId, _rs256.PublicKeyBytes());
            case "ps256": return _rs256.Token(claims, Header("PS256", _rs256.KeyId));
            case "confused": return RsaTokenFor(_es256.KeyId, claims);
            case "wrong-curve": return _undeclared.Token(claims, Header("ES384", _undeclared.KeyId));
            case "crit": return _es256.Token(claims, "{\"alg\":\"ES256\",\"kid\":\"ec\",\"crit\":[\"exp\"]}");
            case "no-kid": return _es256.Token(claims, "{\"alg\":\"ES256\"}");
            case "unknown-kid": return _es256.Token(claims, Header("ES256", "rotated-in"));
            case "forged": return other.Token(claims);
            case "tampered":
                var parts = _es256.Token(claims).Split('.');
                claims["function"] = new Dictionary<string, object> { ["permissions"] = new[] { "*" } };
                return $"{parts[0]}.{_es256.Token(claims).Split('.')[1]}.{parts[2]}";
            case "empty-signature": return string.Join('.', _es256.Token(claims).Split('.')[..2]) + ".";
            case "two-parts": return string.Join('.', _es256.Token(claims).Split('.')[..2]);
            case "four-parts": return _es256.Token(claims) + ".x";
            case "padded": return _es256.Token(claims) + "==";
            case "header-text": return _es256.Token(claims, "not json");
            case "long": claims["padding"] = new string('x', TokenValidator.MaxTokenLength); return _es256.Token(claims);
            case "other-function": return _es256.Token(Claims(["openfaas-fn:other"]));
            case "prefix": return _es256.Token(Claims(["openfaas-fn:ech"]));
            case "no-function": claims.Remove("function"); return _es256.Token(claims);
            case "function-audience": return _es256.Token(Claims(audience: ["openfaas-fn:other"]));
            default: throw new ArgumentException(kind);
        }
    }

    private static string Header(string alg, string kid) => $"{{\"alg\":\"{alg}\",\"kid\":\"{kid}\"}}";

    private static string RsaTokenFor(string kid, object claims)
    {
        using var rsa = TestSigningKey.Rs256(kid);
        return rsa.Token(claims);
    }

    public void Dispose()
    {
        _es256.Dispose();
        _rs256.Dispose();
        _undeclared.Dispose();
    }
}
