using System.Text;
using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Http;

public class CgiHeaderReaderTests
{
    /// <summary>A whole output, read in one piece, byte by byte, and in 7-byte pieces: the result must not depend on how it arrives.</summary>
    private static IEnumerable<(CgiHeaderReader Reader, string Body)> ReadAllWays(string output)
    {
        var bytes = Encoding.UTF8.GetBytes(output);
        foreach (var piece in new[] { bytes.Length + 1, 1, 7 })
        {
            var reader = new CgiHeaderReader();
            var body = new MemoryStream();
            for (var offset = 0; offset < bytes.Length; offset += piece)
            {
                var chunk = bytes.AsSpan(offset, Math.Min(piece, bytes.Length - offset));
                if (reader.IsDone)
                {
                    if (reader.Headers is not null)
                        body.Write(chunk);
                    continue;
                }
                var used = reader.Read(chunk);
                if (reader.Headers is not null)
                    body.Write(chunk[used..]);
            }
            reader.End();
            yield return (reader, Encoding.UTF8.GetString(body.ToArray()));
        }
    }

    public static TheoryData<string, int, string?, string, string> Valid => new()
    {
        // output, status, Content-Type, other fields ("Name=value;…"), body
        { "Status: 201 Created\r\nContent-Type: application/json\r\n\r\n{\"id\":1}", 201, "application/json", "", "{\"id\":1}" },
        { "Status: 404\nContent-Type: text/plain\n\nnot here\n", 404, "text/plain", "", "not here\n" },
        { "Content-Type: text/html\n\n<p>", 200, "text/html", "", "<p>" },
        { "\nbody after an empty block", 200, null, "", "body after an empty block" },
        { "\r\n", 200, null, "", "" },
        { "Location: https://example.com/\n\n", 302, null, "", "" },
        { "Status: 301 Moved Permanently\nLocation: /new\n\n", 301, null, "", "" },
        { "X-Custom:   spaced value  \nSet-Cookie: a=1\nSet-Cookie: b=2\n\n", 200, null, "X-Custom=spaced value;Set-Cookie=a=1;Set-Cookie=b=2", "" },
        { "status: 418\ncontent-type: text/plain\n\n", 418, "text/plain", "", "" },
        { "X-Empty:\n\n", 200, null, "X-Empty=", "" },
        { "Status: 599\n\nStatus: 200\n", 599, null, "", "Status: 200\n" },
        { "Content-Length: 99\nTransfer-Encoding: chunked\nConnection: close\nX-Call-Id: mine\nX-Duration-Seconds: 1\nX-Kept: yes\n\n", 200, null, "X-Kept=yes", "" },
        { "Status: 200\n\n\n\n", 200, null, "", "\n\n" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_blocks_set_status_and_headers_and_leave_the_rest_as_body(string output, int status, string? contentType, string fields, string body)
    {
        foreach (var (reader, readBody) in ReadAllWays(output))
        {
            Assert.Null(reader.Fault);
            var headers = Assert.IsType<CgiResponseHeaders>(reader.Headers);
            Assert.Equal(status, headers.Status);
            Assert.Equal(contentType, headers.ContentType);
            Assert.Equal(fields, string.Join(';', headers.Fields.Select(f => $"{f.Key}={f.Value}")));
            Assert.Equal(body, readBody);
        }
    }

    public static TheoryData<string, string> Invalid => new()
    {
        // output, fault
        { "hello world\n", "line 1 is not a \"Name: value\" header: \"hello world\"" },
        { "Content-Type: text/plain\nhello\n\n", "line 2 is not a \"Name: value\" header: \"hello\"" },
        { "{\"a\": 1}\n", "line 1: \"{?a?\" is not a valid header name" },
        { "Bad Name: x\n\n", "line 1: \"Bad Name\" is not a valid header name" },
        { ": no name\n\n", "line 1: \"\" is not a valid header name" },
        { "X-A: 1\n  folded\n\n", "line 2 starts with a space or tab; folded header lines are not supported" },
        { "X-Bin: a\u0001b\n\n", "line 1: the value of X-Bin holds a control or non-ASCII character" },
        { "X-Utf8: héllo\n\n", "line 1: the value of X-Utf8 holds a control or non-ASCII character" },
        { "Status: abc\n\n", "line 1: Status \"abc\" is not a code from 200 to 599 with an optional reason" },
        { "Status: 2000\n\n", "line 1: Status \"2000\" is not a code from 200 to 599 with an optional reason" },
        { "Status: 101 Switching Protocols\n\n", "line 1: Status \"101 Switching Protocols\" is not a code from 200 to 599 with an optional reason" },
        { "Status: 600\n\n", "line 1: Status \"600\" is not a code from 200 to 599 with an optional reason" },
        { "Status:\n\n", "line 1: Status \"\" is not a code from 200 to 599 with an optional reason" },
        { "Status: 200\nStatus: 404\n\n", "line 2: Status is given twice" },
        { "Content-Type: a/b\nContent-type: c/d\n\n", "line 2: Content-Type is given twice" },
        { "Location: /a\nLocation: /b\n\n", "line 2: Location is given twice" },
        { "Content-Type: text/plain\n", "the output ended before the empty line that ends the header block" },
        { "Content-Type: text/plain", "the output ended before the empty line that ends the header block" },
        { "", "the output ended before the empty line that ends the header block" },
        { "a-very-long-line-of-output-that-is-not-a-header-at-all-and-goes-on\n", "line 1 is not a \"Name: value\" header: \"a-very-long-line-of-output-that-is-not-a…\"" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_blocks_are_named_in_one_line(string output, string fault)
    {
        foreach (var (reader, body) in ReadAllWays(output))
        {
            Assert.Null(reader.Headers);
            Assert.Equal(fault, reader.Fault);
            Assert.DoesNotContain('\n', reader.Fault!);
            Assert.Equal("", body);
        }
    }

    [Fact]
    public void A_block_of_exactly_64KiB_is_read()
    {
        var header = "X-Big: " + new string('v', CgiHeaderReader.MaxBlockBytes - "X-Big: ".Length - 2) + "\n";
        var output = header + "\nbody";

        var (reader, body) = ReadAllWays(output).First();

        Assert.Null(reader.Fault);
        Assert.Equal("body", body);
    }

    [Fact]
    public void A_block_longer_than_64KiB_is_refused_without_waiting_for_its_end()
    {
        var reader = new CgiHeaderReader();

        reader.Read(Encoding.ASCII.GetBytes("X-Big: " + new string('v', CgiHeaderReader.MaxBlockBytes)));

        Assert.Equal("the header block is longer than 64 KiB", reader.Fault);
    }

    [Fact]
    public void Reading_stops_at_the_first_fault()
    {
        var reader = new CgiHeaderReader();

        var used = reader.Read("not a header\nStatus: 200\n\n"u8);

        Assert.Equal("not a header\n".Length, used);
        Assert.Equal(0, reader.Read("Status: 200\n\n"u8));
        Assert.Null(reader.Headers);
    }

    [Fact]
    public void Headers_apply_to_the_response_with_the_functions_values_winning()
    {
        var reader = new CgiHeaderReader();
        reader.Read("Status: 201 Created\nContent-Type: application/json\nLocation: /items/1\nSet-Cookie: a=1\nSet-Cookie: b=2\nX-Call-Id: forged\n\n"u8);
        var response = new DefaultHttpContext().Response;
        response.Headers[CallId.Header] = "the-watchdog-s";
        response.ContentType = "text/plain";

        reader.Headers!.ApplyTo(response);

        Assert.Equal(201, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("/items/1", response.Headers.Location.ToString());
        Assert.Equal("a=1,b=2", response.Headers.SetCookie.ToString());
        Assert.Equal("the-watchdog-s", response.Headers[CallId.Header].ToString());
    }

    [Theory]
    [InlineData(204, false)]
    [InlineData(304, false)]
    [InlineData(200, true)]
    [InlineData(404, true)]
    public void Only_204_and_304_allow_no_body(int status, bool allowsBody)
    {
        var reader = new CgiHeaderReader();
        reader.Read(Encoding.ASCII.GetBytes($"Status: {status}\n\n"));

        Assert.Equal(allowsBody, reader.Headers!.AllowsBody);
    }
}
