using System.Text;
using Fwatchdog.Authentication;
using Fwatchdog.Testing.Tokens;

namespace Fwatchdog.Tests.Authentication;

public class JsonWebKeySetTests
{
    private static JsonWebKeySet Parse(string json) => JsonWebKeySet.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Usable_keys_are_kept_by_kid_and_unusable_ones_are_left_out_with_the_reason()
    {
        using var ec = TestSigningKey.Es256("ec");
        using var rsa = TestSigningKey.Rs256("rsa");
        var encryption = new Dictionary<string, string>(ec.Jwk()) { ["kid"] = "enc", ["use"] = "enc" };
        var noKid = new Dictionary<string, string>(rsa.Jwk());
        noKid.Remove("kid");
        var hmac = new Dictionary<string, string> { ["kid"] = "oct", ["kty"] = "oct", ["k"] = "c2VjcmV0" };
        var ed = new Dictionary<string, string> { ["kid"] = "ed", ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = "AAAA" };
        var offCurve = new Dictionary<string, string>(ec.Jwk()) { ["kid"] = "off", ["y"] = ec.Jwk()["x"] };
        var declaredWrong = new Dictionary<string, string>(ec.Jwk()) { ["kid"] = "wrong-alg", ["alg"] = "RS256" };
        var declaredHmac = new Dictionary<string, string>(rsa.Jwk()) { ["kid"] = "hs", ["alg"] = "HS256" };
        var duplicate = new Dictionary<string, string>(rsa.Jwk()) { ["kid"] = "ec" };

        var set = Parse(FunctionTokens.KeySet(ec.Jwk(), rsa.Jwk(), encryption, noKid, hmac, ed, offCurve, declaredWrong, declaredHmac, duplicate));

        Assert.Equal(["ec", "rsa"], set.Keys.Keys.Order());
        Assert.Equal(8, set.Skipped.Count);
        Assert.Contains(set.Skipped, s => s.Contains("\"enc\", not for signatures"));
        Assert.Contains(set.Skipped, s => s.Contains("has no \"kid\""));
        Assert.Contains(set.Skipped, s => s.Contains("key type \"oct\""));
        Assert.Contains(set.Skipped, s => s.Contains("key type \"OKP\""));
        Assert.Contains(set.Skipped, s => s.StartsWith("key 6") && s.Contains("\"off\""));
        Assert.Contains(set.Skipped, s => s.Contains("which its key type cannot verify"));
        Assert.Contains(set.Skipped, s => s.Contains("\"HS256\""));
        Assert.Contains(set.Skipped, s => s.Contains("repeats kid \"ec\""));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"keys\": {}}")]
    public void A_document_that_is_not_a_key_set_is_a_format_error(string json) =>
        Assert.Throws<FormatException>(() => Parse(json));

    [Fact]
    public void A_small_RSA_key_is_left_out()
    {
        using var small = TestSigningKey.Rs256("small", bits: 1024);

        var set = Parse(FunctionTokens.KeySet(small.Jwk()));

        Assert.Empty(set.Keys);
        Assert.Contains("\"small\"", Assert.Single(set.Skipped));
    }
}
