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

        Assert.Equal(("from-gateway", false), CallId.From(request));
    }

    [Fact]
    public void A_missing_id_is_generated_fresh_each_time()
    {
        var request = new DefaultHttpContext().Request;

        var (first, firstGenerated) = CallId.From(request);
        var (second, _) = CallId.From(request);

        Assert.True(firstGenerated);
        Assert.True(Guid.TryParse(first, out _));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void An_empty_id_counts_as_missing()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers["X-Call-Id"] = "";

        var (id, generated) = CallId.From(request);

        Assert.True(generated);
        Assert.NotEmpty(id);
    }
}
