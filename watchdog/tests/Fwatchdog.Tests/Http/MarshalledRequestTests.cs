using System.Text;
using System.Text.Json;
using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Http;

public class MarshalledRequestTests
{
    private static string Serialize(HeaderDictionary headers, string body) =>
        Encoding.UTF8.GetString(MarshalledRequest.Serialize(headers, Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Writes_the_Go_watchdog_shape()
    {
        var headers = new HeaderDictionary { ["Content-Type"] = "text/plain" };

        Assert.Equal("""{"header":{"Content-Type":["text/plain"]},"body":{"raw":"aGk="}}""", Serialize(headers, "hi"));
    }

    [Fact]
    public void Header_names_are_canonical_and_sorted()
    {
        var headers = new HeaderDictionary
        {
            ["x-b"] = "2",
            ["accept"] = "*/*",
            ["X-A"] = "1",
            ["content-type"] = "text/plain",
        };

        using var json = JsonDocument.Parse(Serialize(headers, ""));
        var names = json.RootElement.GetProperty("header").EnumerateObject().Select(p => p.Name);

        Assert.Equal(["Accept", "Content-Type", "X-A", "X-B"], names);
    }

    [Fact]
    public void Host_and_Transfer_Encoding_are_not_headers()
    {
        var headers = new HeaderDictionary
        {
            ["Host"] = "example.com",
            ["Transfer-Encoding"] = "chunked",
            ["X-Kept"] = "yes",
        };

        using var json = JsonDocument.Parse(Serialize(headers, ""));
        var names = json.RootElement.GetProperty("header").EnumerateObject().Select(p => p.Name);

        Assert.Equal(["X-Kept"], names);
    }

    [Fact]
    public void Every_value_of_a_repeated_header_is_kept_in_order()
    {
        var headers = new HeaderDictionary { ["X-Tag"] = new(["one", "two"]) };

        Assert.Equal("""{"header":{"X-Tag":["one","two"]},"body":{"raw":""}}""", Serialize(headers, ""));
    }

    [Fact]
    public void Empty_request_is_empty_header_object_and_empty_raw_body()
    {
        Assert.Equal("""{"header":{},"body":{"raw":""}}""", Serialize([], ""));
    }

    [Fact]
    public void Body_round_trips_through_base64_including_binary()
    {
        byte[] body = [0, 1, 2, 0xfe, 0xff, (byte)'"', (byte)'\n'];

        using var json = JsonDocument.Parse(MarshalledRequest.Serialize(new HeaderDictionary(), body));

        Assert.Equal(body, json.RootElement.GetProperty("body").GetProperty("raw").GetBytesFromBase64());
    }

    [Fact]
    public void Header_values_with_quotes_stay_valid_json()
    {
        var headers = new HeaderDictionary { ["X-Quote"] = "say \"hi\" \\ <b>" };

        using var json = JsonDocument.Parse(Serialize(headers, ""));

        Assert.Equal("say \"hi\" \\ <b>", json.RootElement.GetProperty("header").GetProperty("X-Quote")[0].GetString());
    }
}
