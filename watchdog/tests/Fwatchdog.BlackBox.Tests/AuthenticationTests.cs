using System.Net;
using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Fwatchdog.Testing.Tokens;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// jwt_auth against a fake gateway on 127.0.0.1:8000 (jwt_auth_local=true), with tokens made here:
/// the Go middleware's rules, in classic mode and mode=http, and where ours is stricter than Go's.
/// </summary>
[Collection(FunctionAuthenticationCollection.Name)]
public sealed class AuthenticationTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const string Namespace = "openfaas-fn";
    private const string Function = "echo";
    private static readonly string[] OwnPermission = [$"{Namespace}:{Function}"];

    private static (string Name, string Value)[] Protected(params (string Name, string Value)[] more) =>
        [("jwt_auth", "true"), ("jwt_auth_local", "true"), ("OPENFAAS_NAME", Function), ("OPENFAAS_NAMESPACE", Namespace), .. more];

    private static Dictionary<string, object> Claims(string[]? permissions = null, string[]? audience = null, TimeSpan? expiresIn = null) =>
        FunctionTokens.Claims(FakeGateway.Issuer, DateTimeOffset.UtcNow + (expiresIn ?? TimeSpan.FromMinutes(5)), permissions ?? OwnPermission, audience);

    private static (string, string) Bearer(string token) => ("Authorization", $"Bearer {token}");

    [Fact]
    public async Task A_call_without_a_token_is_401_with_the_challenge_and_the_function_never_starts()
    {
        using var key = TestSigningKey.Es256();
        await using var gateway = FakeGateway.Start(key);
        using var files = new TempDirectory("auth");
        var marker = files.File("started");
        await using var watchdog = await StartAsync($"sh -c 'touch {marker}; cat'", Protected());

        using var response = await watchdog.Client.PostBodyAsync("hi");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"IAM function invoke\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("faas-middleware", response.Headers.GetValues("X-OpenFaaS-Internal").Single());
        Assert.Equal("Bearer must be present in Authorization header\n", await response.BodyAsync());
        await watchdog.WaitForLineAsync("POST / - 401 ACCESS DENIED", Limits.Quick);
        Assert.False(File.Exists(marker), "the function ran for a refused call");
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("ES384")]
    [InlineData("RS512")]
    public async Task A_token_the_gateway_signed_for_this_function_reaches_it_with_X_Auth_Seconds(string algorithm)
    {
        using var key = algorithm switch
        {
            "ES256" => TestSigningKey.Es256(), "RS256" => TestSigningKey.Rs256(), "ES384" => TestSigningKey.Es384(), _ => TestSigningKey.Rs512(),
        };
        await using var gateway = FakeGateway.Start(key);
        await using var watchdog = await StartAsync("env", Protected());

        using var response = await watchdog.Client.PostBodyAsync("", "/", Bearer(key.Token(Claims())), ("X-Auth-Seconds", "forged"));
        var environment = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(@"(?m)^Http_X_Auth_Seconds=\d+\.\d{6}$", environment);
        Assert.DoesNotContain("forged", environment);
    }

    [Theory]
    [InlineData("openfaas-fn:other", null)]
    [InlineData("openfaas-fn:ech", null)]             // Go's unanchored pattern grants echo here
    [InlineData("openfaas-fn:echo", "openfaas-fn:other")] // permitted, but the audience is another function
    [InlineData("dev:*", null)]
    public async Task A_valid_token_without_a_permission_for_this_function_is_403(string permission, string? audience)
    {
        using var key = TestSigningKey.Es256();
        await using var gateway = FakeGateway.Start(key);
        using var files = new TempDirectory("auth");
        var marker = files.File("started");
        await using var watchdog = await StartAsync($"sh -c 'touch {marker}; cat'", Protected());

        using var response = await watchdog.Client.PostBodyAsync("hi", "/",
            Bearer(key.Token(Claims([permission], audience is null ? null : [audience]))));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("faas-middleware", response.Headers.GetValues("X-OpenFaaS-Internal").Single());
        Assert.StartsWith("insufficient permissions", await response.BodyAsync());
        await watchdog.WaitForLineAsync("POST / - 403 ACCESS DENIED", Limits.Quick);
        Assert.False(File.Exists(marker), "the function ran for a refused call");
    }

    [Theory]
    [InlineData("openfaas-fn:*")]
    [InlineData("*")]
    [InlineData("*:echo")]
    [InlineData("openfaas-fn:e*o")]
    public async Task Wildcards_match_the_whole_function_reference(string permission)
    {
        using var key = TestSigningKey.Es256();
        await using var gateway = FakeGateway.Start(key);
        await using var watchdog = await StartAsync("cat", Protected());

        using var response = await watchdog.Client.PostBodyAsync("hi", "/", Bearer(key.Token(Claims([permission]))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hi", await response.BodyAsync());
    }

    [Fact]
    public async Task A_pattern_is_anchored_so_a_prefix_name_grants_nothing_more()
    {
        using var key = TestSigningKey.Es256();
        await using var gateway = FakeGateway.Start(key);
        await using var watchdog = await StartAsync("cat",
            [("jwt_auth", "true"), ("jwt_auth_local", "true"), ("OPENFAAS_NAME", "fn-admin"), ("OPENFAAS_NAMESPACE", "dev")]);

        using var response = await watchdog.Client.PostBodyAsync("hi", "/", Bearer(key.Token(Claims(["dev:fn"]))));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    public static TheoryData<string, string> TokensThatMustNotPass() => new()
    {
        { "no-exp", "no expiry" },
        { "expired", "expired" },
        { "alg-none", "alg\": \"none" },
        { "hmac-with-public-key", "algorithm is not accepted" },
        { "algorithm-the-key-does-not-declare", "is not one its key (kid) may verify" },
        { "other-issuer", "was not issued by" },
        { "forged-signature", "signature does not verify" },
        { "not-a-jwt", "not a signed JWT" },
    };

    [Theory]
    [MemberData(nameof(TokensThatMustNotPass))]
    public async Task Tokens_that_must_not_pass_are_401_and_never_echoed(string kind, string reason)
    {
        using var key = TestSigningKey.Es256();
        using var rsa = TestSigningKey.Rs256(key.KeyId); // same kid, other key: a token the key does not declare
        using var attacker = TestSigningKey.Es256(key.KeyId);
        await using var gateway = FakeGateway.Start(key);
        await using var watchdog = await StartAsync("cat", Protected());
        var claims = Claims();
        var token = kind switch
        {
            "no-exp" => key.Token(Without(claims, "exp")),
            "expired" => key.Token(Claims(expiresIn: TimeSpan.FromSeconds(-30))),
            "alg-none" => FunctionTokens.Unsigned(claims, key.KeyId),
            "hmac-with-public-key" => FunctionTokens.Hmac(claims, key.KeyId, key.PublicKeyBytes()),
            "algorithm-the-key-does-not-declare" => rsa.Token(claims),
            "other-issuer" => key.Token(FunctionTokens.Claims("http://evil.example", DateTimeOffset.UtcNow.AddMinutes(5), OwnPermission)),
            "forged-signature" => attacker.Token(claims),
            _ => "definitely-not-a-token",
        };

        using var response = await watchdog.Client.PostBodyAsync("hi", "/", Bearer(token));
        var body = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(reason, body);
        await watchdog.WaitForLineAsync("401 ACCESS DENIED", Limits.Quick);
        Assert.DoesNotContain(token, body);
        Assert.False(watchdog.Output.Contains(token), "the token was logged");
    }

    private static Dictionary<string, object> Without(Dictionary<string, object> claims, string name)
    {
        claims.Remove(name);
        return claims;
    }

    [Fact]
    public async Task Keys_rotated_at_the_gateway_are_picked_up_without_a_restart_and_unknown_kids_are_rate_limited()
    {
        using var first = TestSigningKey.Es256("first");
        using var second = TestSigningKey.Rs256("second");
        using var never = TestSigningKey.Es256("never");
        await using var gateway = FakeGateway.Start(first);
        await using var watchdog = await StartAsync("cat", Protected());
        var fetchesAtStart = gateway.KeySetRequests;

        gateway.Publish(first, second);
        using var rotated = await watchdog.Client.PostBodyAsync("hi", "/", Bearer(second.Token(Claims())));
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(fetchesAtStart + 1, gateway.KeySetRequests);

        // A kid nobody publishes: the refetch just made counts against it, so no new fetch.
        for (var i = 0; i < 5; i++)
        {
            using var unknown = await watchdog.Client.PostBodyAsync("hi", "/", Bearer(never.Token(Claims())));
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
            Assert.Contains("names a key (kid) the gateway does not publish", await unknown.BodyAsync());
        }
        Assert.Equal(fetchesAtStart + 1, gateway.KeySetRequests);
        using var stillFirst = await watchdog.Client.PostBodyAsync("hi", "/", Bearer(first.Token(Claims())));
        Assert.Equal(HttpStatusCode.OK, stillFirst.StatusCode);
    }

    [Fact]
    public async Task An_unreachable_gateway_at_start_means_503_and_retries_not_an_exit_and_never_an_open_function()
    {
        using var key = TestSigningKey.Es256();
        var launch = WatchdogLaunch.For("cat", Protected());
        launch = new WatchdogLaunch { Environment = launch.Environment, WaitForReady = false };
        await using var watchdog = await StartAsync(launch);
        await watchdog.WaitForLineAsync("JWT Auth: cannot load the gateway's signing keys", Limits.Quick);

        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using (var call = await watchdog.Client.PostBodyAsync("hi", "/", Bearer(key.Token(Claims()))))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, call.StatusCode);
            Assert.Equal("faas-middleware", call.Headers.GetValues("X-OpenFaaS-Internal").Single());
            Assert.Contains("authentication keys are not loaded yet", await call.BodyAsync());
        }

        await using var gateway = FakeGateway.Start(key);
        await watchdog.WaitForLineAsync("Listening on port", TimeSpan.FromSeconds(40));
        Assert.False(watchdog.HasExited);
        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var call = await watchdog.Client.PostBodyAsync("hi", "/", Bearer(key.Token(Claims()))))
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        using (var anonymous = await watchdog.Client.PostBodyAsync("hi"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Health_ready_and_metrics_stay_open_and_refusals_are_counted()
    {
        using var key = TestSigningKey.Es256();
        await using var gateway = FakeGateway.Start(key);
        await using var watchdog = await StartAsync("cat", Protected());

        using (var refused = await watchdog.Client.PostBodyAsync("hi"))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using (var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var ready = await watchdog.Client.GetAsync("/_/ready", Limits.Quick))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var metrics = await watchdog.MetricsClient.GetStringAsync("/metrics");

        Assert.Contains("http_requests_total{code=\"401\",method=\"post\"} 1", metrics);
        Assert.Contains("function_executions_total{outcome=\"rejected\"} 1", metrics);
    }

    [Fact]
    public async Task Mode_http_refuses_before_forwarding_and_forwards_admitted_calls_with_X_Auth_Seconds()
    {
        using var key = TestSigningKey.Rs256();
        await using var gateway = FakeGateway.Start(key);
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(Protected()));

        using (var refused = await watchdog.Client.PostBodyAsync("hi", "/echo"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("faas-middleware", refused.Headers.GetValues("X-OpenFaaS-Internal").Single());
            Assert.False(refused.Headers.Contains("X-Upstream"), "a refused call reached the function's server");
        }
        using var admitted = await watchdog.Client.PostBodyAsync("hi", "/echo", Bearer(key.Token(Claims())));
        var echo = System.Text.Json.JsonDocument.Parse(await admitted.BodyAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Matches(@"^\d+\.\d{6}$", echo.GetProperty("headers").GetProperty("x-auth-seconds")[0].GetString());
        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>
    /// A root with nothing but the watchdog, /dev/urandom and a static busybox as /bin/cat: no libssl, no libc, as in
    /// a FROM scratch image. System.Security.Cryptography would abort the process there (or, loaded into
    /// the static binary, break posix_spawn later); the watchdog's own verification must not need it.
    /// </summary>
    [Fact]
    public async Task Tokens_are_verified_in_a_root_without_any_library_as_in_a_scratch_image()
    {
        using var ec = TestSigningKey.Es256();
        using var rsa = TestSigningKey.Rs256();
        await using var gateway = FakeGateway.Start(ec, rsa);
        using var root = new TempDirectory("scratch-root");
        Directory.CreateDirectory(root.File("bin"));
        File.Copy("/bin/busybox", root.File("bin/cat"));
        // A container runtime gives even a scratch image /dev/urandom (.NET's Guid.NewGuid reads it).
        Directory.CreateDirectory(root.File("dev"));
        using (var mknod = System.Diagnostics.Process.Start("mknod", ["-m", "444", root.File("dev/urandom"), "c", "1", "9"]))
            await mknod.WaitForExitAsync();
        var launch = WatchdogLaunch.For("/bin/cat", Protected());
        await using var watchdog = await StartAsync(new WatchdogLaunch { Environment = launch.Environment, ChrootDirectory = root.Path });

        foreach (var key in new[] { ec, rsa, ec })
        {
            using var response = await watchdog.Client.PostBodyAsync(key.Algorithm, "/", Bearer(key.Token(Claims())));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(key.Algorithm, await response.BodyAsync());
        }
        using var refused = await watchdog.Client.PostBodyAsync("hi");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("TRUE")]
    public async Task A_jwt_auth_value_that_is_neither_true_nor_false_stops_start_up(string value)
    {
        await using var watchdog = await RunToExitAsync(WatchdogLaunch.For("cat", ("jwt_auth", value)), Limits.Exit);

        Assert.Equal(1, watchdog.ExitCode);
        Assert.True(watchdog.Output.Contains($"jwt_auth=\"{value}\" is neither true nor false"), watchdog.Output.Dump());
    }

    [Fact]
    public async Task Jwt_auth_without_the_function_name_stops_start_up_saying_what_to_set()
    {
        await using var watchdog = await RunToExitAsync(WatchdogLaunch.For("cat", ("jwt_auth", "1"), ("OPENFAAS_NAMESPACE", "openfaas-fn")), Limits.Exit);

        Assert.Equal(1, watchdog.ExitCode);
        Assert.True(watchdog.Output.Contains("OPENFAAS_NAME is not set"), watchdog.Output.Dump());
    }
}

/// <summary>The fake gateway listens on the fixed port jwt_auth_local uses, so these tests take turns.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FunctionAuthenticationCollection
{
    public const string Name = "Function authentication";
}
