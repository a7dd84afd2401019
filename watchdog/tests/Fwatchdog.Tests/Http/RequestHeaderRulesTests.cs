using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Http;

public class RequestHeaderRulesTests
{
    private static string? Check(string name, string value) =>
        RequestHeaderRules.FindViolation(new HeaderDictionary { [name] = value });

    [Theory]
    [InlineData("X-Custom", "plain value")]
    [InlineData("X-Tab", "a\tb")]
    [InlineData("X-Latin", "café")]
    [InlineData("X-Symbols", "!#$%&'*+-.^_`|~ ()<>@,;:\\\"/[]?={}")]
    [InlineData("!#$%&'*+-.^_`|~09azAZ", "all token characters")]
    public void Tokens_with_values_free_of_control_characters_pass(string name, string value)
    {
        Assert.Null(Check(name, value));
    }

    [Theory]
    [InlineData("Method=DELETE")]
    [InlineData("A\u0001B")]
    [InlineData("A\0B")]
    [InlineData("With Space")]
    [InlineData("Path/x")]
    [InlineData("Caf\u00e9")]
    public void A_name_that_is_not_a_token_is_named(string name)
    {
        var violation = Check(name, "x");

        Assert.NotNull(violation);
        Assert.Contains("is not a token", violation);
    }

    [Theory]
    [InlineData("a\u0001b")]
    [InlineData("a\u007fb")]
    [InlineData("a\0b")]
    [InlineData("a\u001bb")]
    public void A_control_character_in_a_value_is_named(string value)
    {
        Assert.Equal("header X-Bad has a control character in its value", Check("X-Bad", value));
    }

    [Fact]
    public void Control_characters_in_a_name_are_escaped_in_the_message()
    {
        var violation = Check("A\u0001B", "x")!;

        Assert.Contains("A\\x01B", violation);
        Assert.DoesNotContain('\u0001', violation);
    }

    [Fact]
    public void Every_value_of_a_repeated_header_is_checked()
    {
        var headers = new HeaderDictionary();
        headers.Append("X-Tag", "fine");
        headers.Append("X-Tag", "bad\u0002");

        Assert.NotNull(RequestHeaderRules.FindViolation(headers));
    }
}
