using System.Text;
using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Http;

/// <summary>
/// The Connection header's text caught as Kestrel decodes it, taken by the request the same thread
/// starts next only when Kestrel kept just its option word — never by a request it does not describe.
/// </summary>
public class ConnectionHeaderTextTests
{
    [Theory]
    [InlineData("close, X-Drop", "close")]
    [InlineData("X-Drop, Keep-Alive", "keep-alive")]
    [InlineData("upgrade,HTTP2-Settings", "Upgrade")]
    public void A_list_kestrel_cut_to_its_word_is_the_requests_connection_header(string sent, string kept)
    {
        Decode(sent);
        var context = Request(kept);

        ConnectionHeaderText.Take(context);

        Assert.Equal(sent, ConnectionHeaderText.Of(context, context.Request.Headers.Connection).ToString());
    }

    [Fact]
    public void What_was_caught_is_taken_once()
    {
        Decode("close, X-Drop");
        ConnectionHeaderText.Take(Request("close"));
        var next = Request("close");

        ConnectionHeaderText.Take(next);

        Assert.Equal("close", ConnectionHeaderText.Of(next, next.Request.Headers.Connection).ToString());
    }

    [Theory]
    [InlineData("close, X-Drop", "keep-alive")] // another request's text: its word differs
    [InlineData("close, X-Drop", null)] // a request without a Connection header
    [InlineData("close, X-Drop", "close, X-Other")] // Kestrel kept this request's own list
    public void Text_that_does_not_describe_the_request_is_discarded(string caught, string? connection)
    {
        Decode(caught);
        var context = Request(connection);

        ConnectionHeaderText.Take(context);

        Assert.Null(context.Features.Get<ConnectionHeaderText>());
    }

    [Fact]
    public void A_value_without_a_comma_replaces_what_was_caught()
    {
        Decode("close, X-Drop");
        Decode("close");
        var context = Request("close");

        ConnectionHeaderText.Take(context);

        Assert.Null(context.Features.Get<ConnectionHeaderText>());
    }

    [Fact]
    public void It_decodes_as_the_other_request_values_do()
    {
        var bytes = Encoding.UTF8.GetBytes("close, X-Café");

        Assert.Equal(HeaderEncoding.Values.GetString(bytes), ConnectionHeaderText.Encoding.GetString(bytes));
        Assert.Equal("close, X-\u00e9", ConnectionHeaderText.Encoding.GetString([.. "close, X-"u8, 0xE9]));
        ConnectionHeaderText.Take(Request(null)); // leaves this thread's slot empty for other tests
    }

    private static void Decode(string value) => ConnectionHeaderText.Encoding.GetString(Encoding.Latin1.GetBytes(value));

    private static DefaultHttpContext Request(string? connection)
    {
        var context = new DefaultHttpContext();
        if (connection is not null)
            context.Request.Headers.Connection = connection;
        return context;
    }
}
