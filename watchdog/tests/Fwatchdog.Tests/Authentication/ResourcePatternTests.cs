using Fwatchdog.Authentication;

namespace Fwatchdog.Tests.Authentication;

public class ResourcePatternTests
{
    [Theory]
    [InlineData("openfaas-fn:echo", "openfaas-fn:echo", true)]
    [InlineData("*", "openfaas-fn:echo", true)]
    [InlineData("openfaas-fn:*", "openfaas-fn:echo", true)]
    [InlineData("*:echo", "openfaas-fn:echo", true)]
    [InlineData("openfaas-fn:e*o", "openfaas-fn:echo", true)]
    [InlineData("o*n:*", "openfaas-fn:echo", true)]
    [InlineData("**", "openfaas-fn:echo", true)]
    [InlineData("openfaas-fn:echo*", "openfaas-fn:echo", true)]
    // Go's unanchored regular expression grants each of these; a whole-reference match does not.
    [InlineData("openfaas-fn:ech", "openfaas-fn:echo", false)]
    [InlineData("dev:fn", "dev:fn-admin", false)]
    [InlineData("fn:echo", "openfaas-fn:echo", false)]
    [InlineData("n:ech", "openfaas-fn:echo", false)]
    // Regular-expression characters are literal.
    [InlineData("openfaas-fn:ec.o", "openfaas-fn:echo", false)]
    [InlineData("openfaas-fn:ec.o", "openfaas-fn:ec.o", true)]
    [InlineData("openfaas-fn:[e]cho", "openfaas-fn:echo", false)]
    [InlineData("", "openfaas-fn:echo", false)]
    [InlineData("openfaas-fn:*x", "openfaas-fn:echo", false)]
    [InlineData("OPENFAAS-FN:ECHO", "openfaas-fn:echo", false)]
    public void A_pattern_matches_the_whole_reference_with_star_for_any_run(string pattern, string reference, bool matches) =>
        Assert.Equal(matches, ResourcePattern.Matches(pattern, reference));

    [Theory]
    [InlineData(new[] { "openfaas-fn:echo" }, new string[0], true)]
    [InlineData(new[] { "openfaas-fn:other", "openfaas-fn:*" }, new string[0], true)]
    [InlineData(new string[0], new string[0], false)]                                   // permissions are required
    [InlineData(new[] { "openfaas-fn:echo" }, new[] { "openfaas-fn:echo" }, true)]
    [InlineData(new[] { "openfaas-fn:echo" }, new[] { "openfaas-fn:other" }, false)]     // the audience, when given, must match
    [InlineData(new[] { "*" }, new[] { "other:*", "openfaas-fn:e*" }, true)]
    public void Permissions_are_required_and_an_audience_when_listed_must_match(string[] permissions, string[] audience, bool authorized) =>
        Assert.Equal(authorized, ResourcePattern.Authorizes(permissions, audience, "openfaas-fn:echo"));

    [Fact]
    public void Many_stars_against_a_long_reference_finish_quickly()
    {
        var pattern = string.Concat(Enumerable.Repeat("*a", 200)) + "b";
        var reference = new string('a', 5000);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(ResourcePattern.Matches(pattern, reference));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
