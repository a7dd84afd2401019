using Fwatchdog.Http;

namespace Fwatchdog.Tests.Http;

/// <summary>Expected values are Go's textproto.CanonicalMIMEHeaderKey output.</summary>
public class GoHeaderCaseTests
{
    [Theory]
    [InlineData("x-call-id", "X-Call-Id")]
    [InlineData("CONTENT-TYPE", "Content-Type")]
    [InlineData("content-length", "Content-Length")]
    [InlineData("www-authenticate", "Www-Authenticate")]
    [InlineData("x-1a", "X-1a")]
    [InlineData("a--b", "A--B")]
    [InlineData("-x", "-X")]
    [InlineData("x_forwarded_for", "X_forwarded_for")]
    [InlineData("x", "X")]
    [InlineData("", "")]
    public void Canonicalizes_like_Go(string name, string expected)
    {
        Assert.Equal(expected, GoHeaderCase.Canonicalize(name));
    }

    [Fact]
    public void Already_canonical_names_are_returned_as_they_are()
    {
        var name = "X-Call-Id";

        Assert.Same(name, GoHeaderCase.Canonicalize(name));
    }
}
