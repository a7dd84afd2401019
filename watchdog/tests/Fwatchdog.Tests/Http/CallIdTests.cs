using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Http;

public class CallIdTests
{
    [Fact]
    public void The_callers_id_is_kept()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers["X-Call-Id"] = "from-gateway";

        Assert.Equal("from-gateway", CallId.From(request));
    }

    [Fact]
    public void A_missing_id_is_generated_fresh_each_time()
    {
        var request = new DefaultHttpContext().Request;

        var first = CallId.From(request);
        var second = CallId.From(request);

        Assert.True(Guid.TryParse(first, out _));
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\u0001b")]
    [InlineData("line\nbreak")]
    [InlineData("del\u007f")]
    public void An_id_that_cannot_be_echoed_is_replaced_by_a_generated_one(string unusable)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers["X-Call-Id"] = unusable;

        Assert.True(Guid.TryParse(CallId.From(request), out _));
    }

    [Fact]
    public void A_non_ASCII_id_is_kept_because_it_is_echoed_as_UTF_8()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers["X-Call-Id"] = "café";

        Assert.Equal("café", CallId.From(request));
    }
}
