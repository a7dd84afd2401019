using System.Text;
using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Http;

public class ChunkedBodyTests
{
    private static (HttpResponse Response, MemoryStream Wire) Response()
    {
        var context = new DefaultHttpContext();
        var wire = new MemoryStream();
        context.Response.Body = wire;
        return (context.Response, wire);
    }

    private static string Text(MemoryStream wire) => Encoding.ASCII.GetString(wire.ToArray());

    [Fact]
    public async Task Each_write_is_one_chunk_with_its_size_in_hex()
    {
        var (response, wire) = Response();
        var body = ChunkedBody.Over(response);

        await body.WriteAsync("hello"u8.ToArray());
        await body.WriteAsync(new byte[26]);

        Assert.Equal("5\r\nhello\r\n1a\r\n" + new string('\0', 26) + "\r\n", Text(wire));
    }

    [Fact]
    public async Task An_empty_write_sends_nothing_because_an_empty_chunk_would_end_the_body()
    {
        var (response, wire) = Response();
        var body = ChunkedBody.Over(response);

        await body.WriteAsync(ReadOnlyMemory<byte>.Empty);

        Assert.Equal("", Text(wire));
    }

    [Fact]
    public async Task The_end_is_the_last_chunk_with_the_trailer()
    {
        var (response, wire) = Response();
        var body = ChunkedBody.Over(response);

        await body.WriteAsync("x"u8.ToArray());
        await body.EndAsync("X-Function-Status", "exit status 3", CancellationToken.None);

        Assert.Equal("1\r\nx\r\n0\r\nX-Function-Status: exit status 3\r\n\r\n", Text(wire));
    }

    [Fact]
    public async Task Without_a_trailer_the_end_is_the_bare_last_chunk()
    {
        var (response, wire) = Response();

        await ChunkedBody.Over(response).EndAsync(null, null, CancellationToken.None);

        Assert.Equal("0\r\n\r\n", Text(wire));
    }
}
