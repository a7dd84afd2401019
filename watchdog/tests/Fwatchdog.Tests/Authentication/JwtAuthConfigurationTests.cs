using Fwatchdog.Configuration;
using Fwatchdog.Tests.Support;

namespace Fwatchdog.Tests.Authentication;

public class JwtAuthConfigurationTests
{
    private static readonly (string, string)[] Identity = [("OPENFAAS_NAME", "echo"), ("OPENFAAS_NAMESPACE", "openfaas-fn")];

    [Theory]
    [InlineData("true")]
    [InlineData("1")]
    public void True_or_1_turns_authentication_on_in_every_mode(string value)
    {
        foreach (var mode in new[] { "classic", "streaming", "http" })
        {
            var (options, _) = FakeEnvironment.Read([("jwt_auth", value), ("mode", mode), ("upstream_url", "http://127.0.0.1:3000"), .. Identity]);

            Assert.NotNull(options.JwtAuth);
            Assert.Equal("openfaas-fn:echo", options.JwtAuth.Function.Reference);
            Assert.Equal(new Uri("http://gateway.openfaas:8080/.well-known/openid-configuration"), options.JwtAuth.DiscoveryUrl);
        }
    }

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("")]
    public void False_0_or_unset_leaves_it_off(string value)
    {
        var (options, warnings) = FakeEnvironment.Read(("jwt_auth", value));

        Assert.Null(options.JwtAuth);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("TRUE")]
    [InlineData("on")]
    public void Any_other_value_stops_start_up_rather_than_guess(string value)
    {
        var e = Assert.Throws<ConfigurationException>(() => FakeEnvironment.Read([("jwt_auth", value), .. Identity]));

        Assert.Contains($"jwt_auth=\"{value}\" is neither true nor false", e.Message);
    }

    [Fact]
    public void Jwt_auth_local_and_debug_read_true_or_1()
    {
        var (options, warnings) = FakeEnvironment.Read([("jwt_auth", "true"), ("jwt_auth_local", "1"), ("jwt_auth_debug", "true"), .. Identity]);

        Assert.True(options.JwtAuth!.Local);
        Assert.True(options.JwtAuth.Debug);
        Assert.Equal(new Uri("http://127.0.0.1:8000/.well-known/openid-configuration"), options.JwtAuth.DiscoveryUrl);
        Assert.Empty(warnings);
    }

    [Fact]
    public void A_companion_switch_spelled_otherwise_is_off_with_a_warning()
    {
        var (options, warnings) = FakeEnvironment.Read([("jwt_auth", "true"), ("jwt_auth_local", "yes"), .. Identity]);

        Assert.False(options.JwtAuth!.Local);
        Assert.Contains(warnings, w => w.Contains("jwt_auth_local=\"yes\""));
    }
}
