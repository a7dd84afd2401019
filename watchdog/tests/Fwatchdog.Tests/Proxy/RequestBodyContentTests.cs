using Fwatchdog.Proxy;

namespace Fwatchdog.Tests.Proxy;

public class RequestBodyContentTests
{
    [Fact]
    public async Task The_body_is_streamed_with_its_length_and_counted()
    {
        using var content = new RequestBodyContent(new MemoryStream("hello"u8.ToArray()), 5);
        using var sent = new MemoryStream();

        await content.CopyToAsync(sent);

        Assert.Equal(5, content.Headers.ContentLength);
        Assert.Equal("hello"u8.ToArray(), sent.ToArray());
        Assert.Equal(5, content.BytesSent);
    }

    [Fact]
    public void Without_a_length_none_is_claimed_so_the_body_goes_chunked()
    {
        using var content = new RequestBodyContent(new MemoryStream(), null);

        Assert.Null(content.Headers.ContentLength);
    }

    [Fact]
    public void Disposing_the_content_disposes_the_body_and_so_its_read_deadline()
    {
        var body = new TrackedStream();
        var content = new RequestBodyContent(body, 0);

        content.Dispose();

        Assert.True(body.Disposed);
    }

    private sealed class TrackedStream : MemoryStream
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
