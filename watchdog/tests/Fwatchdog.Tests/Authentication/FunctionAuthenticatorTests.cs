using Fwatchdog.Authentication;
using Fwatchdog.Testing.Tokens;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using Serilog;

namespace Fwatchdog.Tests.Authentication;

public sealed class FunctionAuthenticatorTests : IAsyncDisposable
{
    private static readonly FunctionIdentity Echo = new("openfaas-fn", "echo");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_900_000_000));
    private readonly FakeKeySource _source = new();
    private readonly SigningKeyStore _store;
    private readonly FunctionAuthenticator _authenticator;
    private readonly TestSigningKey _key = TestSigningKey.Es256("current");

    public FunctionAuthenticatorTests()
    {
        _store = new SigningKeyStore(_source, _time, new LoggerConfiguration().CreateLogger(), debug: false);
        _authenticator = new FunctionAuthenticator(_store, Echo, _time);
    }

    private async Task LoadAsync(params TestSigningKey[] keys)
    {
        _source.Serve(FunctionTokens.KeySet([.. keys.Select(k => k.Jwk())]));
        _store.Start();
        Assert.True(await _store.Loaded.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private string Token(TestSigningKey key, string[]? permissions = null, TimeSpan? expiresIn = null) =>
        key.Token(FunctionTokens.Claims(FakeKeySource.Issuer, _time.GetUtcNow() + (expiresIn ?? TimeSpan.FromMinutes(5)), permissions ?? [Echo.Reference]));

    private ValueTask<Admission> Admit(params string[] authorization) => _authenticator.AdmitAsync(new StringValues(authorization));

    [Fact]
    public async Task Before_the_keys_load_every_call_is_unavailable_with_the_reason()
    {
        _source.Fail("GET http://gateway.openfaas:8080/.well-known/openid-configuration failed: Name or service not known.");
        _store.Start();
        await _source.NextFetchAsync();
        await Task.Yield();

        var admission = await Admit($"Bearer {Token(_key)}");

        Assert.Equal(AdmissionKind.Unavailable, admission.Kind);
        Assert.Contains("not loaded yet", admission.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Without_a_bearer_token_the_answer_is_the_Go_middleware_sentence(string? authorization)
    {
        await LoadAsync(_key);

        var admission = await Admit(authorization is null ? [] : [authorization]);

        Assert.Equal(Admission.NoToken, admission);
    }

    [Fact]
    public async Task The_scheme_is_case_insensitive_and_two_Authorization_headers_are_refused()
    {
        await LoadAsync(_key);
        var token = Token(_key);

        Assert.Equal(AdmissionKind.Admitted, (await Admit($"bearer   {token}")).Kind);
        var doubled = await Admit($"Bearer {token}", $"Bearer {token}");
        Assert.Equal(AdmissionKind.Unauthorized, doubled.Kind);
        Assert.Contains("more than one Authorization header", doubled.Reason);
    }

    [Fact]
    public async Task A_verified_token_is_cached_until_it_expires_and_a_forged_one_never_is()
    {
        await LoadAsync(_key);
        var token = Token(_key, expiresIn: TimeSpan.FromSeconds(30));
        using var attacker = TestSigningKey.Es256(_key.KeyId);

        Assert.Equal(AdmissionKind.Admitted, (await Admit($"Bearer {token}")).Kind);
        Assert.Equal(1, _store.Current!.Verified.Count);
        Assert.Equal(AdmissionKind.Admitted, (await Admit($"Bearer {token}")).Kind);
        Assert.Equal(AdmissionKind.Unauthorized, (await Admit($"Bearer {Token(attacker)}")).Kind);
        Assert.Equal(1, _store.Current.Verified.Count);

        _time.Advance(TimeSpan.FromSeconds(32));
        var expired = await Admit($"Bearer {token}");
        Assert.Equal(AdmissionKind.Unauthorized, expired.Kind);
        Assert.Contains("expired", expired.Reason);
    }

    [Fact]
    public async Task A_forbidden_verdict_is_cached_too_and_stays_forbidden()
    {
        await LoadAsync(_key);
        var token = Token(_key, ["openfaas-fn:other"]);

        var first = await Admit($"Bearer {token}");
        var second = await Admit($"Bearer {token}");

        Assert.Equal(AdmissionKind.Forbidden, first.Kind);
        Assert.Equal(first, second);
        Assert.StartsWith("insufficient permissions", first.Reason);
    }

    [Fact]
    public async Task A_token_signed_with_a_key_rotated_in_after_start_is_admitted_after_one_refetch()
    {
        await LoadAsync(_key);
        using var rotated = TestSigningKey.Rs256("rotated");
        _source.Serve(FunctionTokens.KeySet(_key.Jwk(), rotated.Jwk()));

        var admission = await Admit($"Bearer {Token(rotated)}");

        Assert.Equal(AdmissionKind.Admitted, admission.Kind);
        Assert.Equal(2, _source.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _key.Dispose();
    }
}
