using System.Text;
using Fwatchdog.Proxy.Forwarding;

namespace Fwatchdog.Tests.Proxy.Forwarding;

/// <summary>
/// The strict response-head parser, fuzz-style: every malformed status line, header, length and
/// transfer-encoding a function could send is refused with its fault; the valid forms (bare LF, no
/// reason, repeated equal lengths, hop-by-hop headers) read as Go's client reads them; a head split
/// anywhere is found exactly once; and random mutations only ever end in a parse or an
/// <see cref="UpstreamProtocolException"/>.
/// </summary>
public sealed class ResponseHeadParserTests
{
    /// <summary>Text is written one byte per char (Latin-1), so a test can put any byte in a head.</summary>
    private static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    private static ResponseHead Parse(byte[] bytes, HeaderStrings? strings = null, ResponseHead? head = null)
    {
        var end = ResponseHeadParser.FindEnd(bytes, 0);
        Assert.True(end > 0, "the test's head has an end");
        head ??= new ResponseHead();
        ResponseHeadParser.Parse(bytes.AsSpan(0, end), head, strings ?? new HeaderStrings());
        return head;
    }

    private static ResponseHead Parse(string latin1) => Parse(Bytes(latin1));

    private static UpstreamFault FaultOf(string latin1)
    {
        var bytes = Bytes(latin1);
        var end = ResponseHeadParser.FindEnd(bytes, 0);
        var exception = Assert.Throws<UpstreamProtocolException>(() =>
            ResponseHeadParser.Parse(bytes.AsSpan(0, end < 0 ? bytes.Length : end), new ResponseHead(), new HeaderStrings()));
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
        return exception.Fault;
    }

    private static string? Value(ResponseHead head, string name) =>
        head.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).SingleOrDefault();

    // ---------------------------------------------------------------- status lines

    [Theory]
    [InlineData("200 OK")]
    [InlineData("OK")]
    [InlineData("")]
    [InlineData("HTTP/2.0 200 OK")]
    [InlineData("HTTP/2 200 OK")]
    [InlineData("HTTP/1.2 200 OK")]
    [InlineData("HTTP/1.10 200 OK")]
    [InlineData("HTTP/1 200 OK")]
    [InlineData("HTTP/0.9 200 OK")]
    [InlineData("http/1.1 200 OK")]
    [InlineData("HTTPS/1.1 200 OK")]
    [InlineData(" HTTP/1.1 200 OK")]
    [InlineData("HTTP/1.1")]
    [InlineData("HTTP/1.1 ")]
    [InlineData("HTTP/1.1 20")]
    [InlineData("HTTP/1.1 20 OK")]
    [InlineData("HTTP/1.1 2000")]
    [InlineData("HTTP/1.1 2000 OK")]
    [InlineData("HTTP/1.1 000 OK")]
    [InlineData("HTTP/1.1 099 OK")]
    [InlineData("HTTP/1.1 abc OK")]
    [InlineData("HTTP/1.1 2x0 OK")]
    [InlineData("HTTP/1.1 -20 OK")]
    [InlineData("HTTP/1.1 +20 OK")]
    [InlineData("HTTP/1.1200 OK")]
    [InlineData("HTTP/1.1  200 OK")]
    [InlineData("HTTP/1.1\t200 OK")]
    [InlineData("HTTP/1.1 200OK")]
    [InlineData("HTTP/1.1 200\tOK")]
    [InlineData("HTTP/1.1 200 O\u0001K")]
    [InlineData("HTTP/1.1 200 O\0K")]
    [InlineData("HTTP/1.1 200 O\u007FK")]
    [InlineData("HTTP/1.1 200 O\u001BK")]
    [InlineData("HTTP/1.1 200 OK\rX")]
    [InlineData("HTTP/1.1 200 OK\r\r")]
    public void A_malformed_status_line_is_refused_as_InvalidStatusLine(string statusLine)
    {
        Assert.Equal(UpstreamFault.InvalidStatusLine, FaultOf(statusLine + "\r\nContent-Length: 0\r\n\r\n"));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK", 200, "OK", false)]
    [InlineData("HTTP/1.1 200", 200, "", false)]
    [InlineData("HTTP/1.1 200 ", 200, "", false)]
    [InlineData("HTTP/1.1 404 Not Found Here", 404, "Not Found Here", false)]
    [InlineData("HTTP/1.1 500 Bad\tThing", 500, "Bad\tThing", false)]
    [InlineData("HTTP/1.1 100 Continue", 100, "Continue", false)]
    [InlineData("HTTP/1.1 999 Odd", 999, "Odd", false)]
    [InlineData("HTTP/1.0 302 Found", 302, "Found", true)]
    public void A_valid_status_line_gives_its_status_reason_and_version(string statusLine, int status, string reason, bool http10)
    {
        var head = Parse(statusLine + "\r\n\r\n");

        Assert.Equal(status, head.Status);
        Assert.Equal(reason, head.Reason);
        Assert.Equal(http10, head.Http10);
    }

    [Fact]
    public void A_reason_phrase_in_UTF8_is_kept_as_its_string()
    {
        var head = Parse([.. "HTTP/1.1 200 "u8, .. Encoding.UTF8.GetBytes("Très bien ✓"), .. "\r\n\r\n"u8]);

        Assert.Equal("Très bien ✓", head.Reason);
    }

    // ---------------------------------------------------------------- header lines

    [Theory]
    [InlineData("NoColon", nameof(UpstreamFault.InvalidHeader))]
    [InlineData(": empty-name", nameof(UpstreamFault.InvalidHeader))]
    [InlineData(":", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X-A : space-before-colon", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X-A\t: tab-before-colon", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("Content-Length : 5", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("Transfer-Encoding : chunked", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X A: space-in-name", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X(A): parenthesis", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X\"A: quote", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X/A: slash", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X@A: at", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X[A]: brackets", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X=A: equals", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X\u0001A: control-in-name", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X\0A: nul-in-name", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X\u007FA: del-in-name", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X\u00DCA: latin1-in-name", nameof(UpstreamFault.InvalidHeader))]
    [InlineData(" X-A: leading-space", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("\tX-A: leading-tab", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X-A: a\r\n folded", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X-A: a\r\n\tfolded", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X-A: a\rb", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X-A: a\r", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X-A\r: a", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("\rX-A: a", nameof(UpstreamFault.InvalidHeader))]
    // An LF inside a value ends the line (a bare LF is a line end), so what follows is judged as a line of its own.
    [InlineData("X-A: a\nb", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X-A: a\n b", nameof(UpstreamFault.InvalidHeader))]
    [InlineData("X-A: a\0b", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("X-A: \0", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("X-A: a\0", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("X-A: a\u0001b", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("X-A: a\u0008b", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("X-A: a\u000Bb", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("X-A: a\u000Cb", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("X-A: a\u001Bb", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("X-A: a\u001Fb", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("X-A: a\u007Fb", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("Content-Type: text/plain\0", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("Set-Cookie: a=b\u0001; Path=/", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("Connection: close\u0001", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("Upgrade: websocket\0", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("Content-Length: 5\0", nameof(UpstreamFault.ControlCharacter))]
    [InlineData("Transfer-Encoding: chunked\u007F", nameof(UpstreamFault.ControlCharacter))]
    public void A_malformed_header_line_is_refused_with_its_fault(string line, string fault)
    {
        Assert.Equal(Enum.Parse<UpstreamFault>(fault), FaultOf("HTTP/1.1 200 OK\r\nX-Before: 1\r\n" + line + "\r\nContent-Length: 0\r\n\r\n"));
    }

    [Theory]
    [InlineData(" X-A: folded-first")]
    [InlineData("\tX-A: folded-first")]
    public void A_folded_first_header_line_is_refused(string line)
    {
        Assert.Equal(UpstreamFault.InvalidHeader, FaultOf("HTTP/1.1 200 OK\r\n" + line + "\r\n\r\n"));
    }

    [Fact]
    public void An_LF_inside_a_value_splits_it_into_two_header_lines_and_both_are_checked()
    {
        var head = Parse("HTTP/1.1 200 OK\r\nX-A: a\nX-B: b\r\n\r\n");

        Assert.Equal([new("X-A", "a"), new("X-B", "b")], head.Headers);
    }

    // ---------------------------------------------------------------- Content-Length

    [Theory]
    [InlineData("+5")]
    [InlineData("-1")]
    [InlineData("-0")]
    [InlineData("5a")]
    [InlineData("a5")]
    [InlineData("0x5")]
    [InlineData("5.0")]
    [InlineData("1e3")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData("5 6")]
    [InlineData("5, 6")]
    [InlineData("5,6")]
    [InlineData("6, 5")]
    [InlineData("5, 5, 6")]
    [InlineData("5,")]
    [InlineData(",5")]
    [InlineData("5,,5")]
    [InlineData("５")] // a fullwidth digit, as UTF-8
    [InlineData("1000000000000000000")] // 19 digits
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999999999")]
    public void A_Content_Length_that_is_not_one_unsigned_number_is_refused(string value)
    {
        var bytes = Encoding.UTF8.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: " + value + "\r\n\r\n");
        var exception = Assert.Throws<UpstreamProtocolException>(() =>
            ResponseHeadParser.Parse(bytes, new ResponseHead(), new HeaderStrings()));

        Assert.Equal(UpstreamFault.InvalidContentLength, exception.Fault);
    }

    [Theory]
    [InlineData("Content-Length: 5", "Content-Length: 6")]
    [InlineData("Content-Length: 6", "Content-Length: 5")]
    [InlineData("Content-Length: 5", "content-length: 0")]
    [InlineData("Content-Length: 5", "Content-Length: 5, 6")]
    [InlineData("Content-Length: 5, 5", "Content-Length: 6")]
    [InlineData("Content-Length: 5", "Content-Length: ")]
    [InlineData("Content-Length: 5", "Content-Length: +5")]
    public void Two_Content_Length_lines_that_disagree_are_refused(string first, string second)
    {
        Assert.Equal(UpstreamFault.InvalidContentLength, FaultOf($"HTTP/1.1 200 OK\r\n{first}\r\nX-Between: 1\r\n{second}\r\n\r\n"));
    }

    [Theory]
    [InlineData("Content-Length: 5\r\n", 5)]
    [InlineData("Content-Length: 0\r\n", 0)]
    [InlineData("Content-Length: 0005\r\n", 5)]
    [InlineData("content-length:5\r\n", 5)]
    [InlineData("CONTENT-LENGTH: \t 5 \t\r\n", 5)]
    [InlineData("Content-Length: 5\r\nContent-Length: 5\r\n", 5)]
    [InlineData("Content-Length: 5, 5\r\n", 5)]
    [InlineData("Content-Length: 5,5,5\r\n", 5)]
    [InlineData("Content-Length: 5\r\nContent-Length: 5, 5\r\n", 5)]
    [InlineData("Content-Length: 999999999999999999\r\n", 999_999_999_999_999_999)]
    [InlineData("", ResponseHead.NoLength)]
    public void A_valid_Content_Length_and_equal_copies_of_it_give_the_length(string headers, long length)
    {
        var head = Parse("HTTP/1.1 200 OK\r\n" + headers + "\r\n");

        Assert.Equal(length, head.ContentLength);
        Assert.DoesNotContain(head.Headers, h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase));
    }

    // ---------------------------------------------------------------- Transfer-Encoding

    [Theory]
    [InlineData("Transfer-Encoding: gzip\r\n")]
    [InlineData("Transfer-Encoding: gzip, chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked, gzip\r\n")]
    [InlineData("Transfer-Encoding: chunked, chunked\r\n")]
    [InlineData("Transfer-Encoding: identity\r\n")]
    [InlineData("Transfer-Encoding: \r\n")]
    [InlineData("Transfer-Encoding: chunked;q=1\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n")]
    [InlineData("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nX-Between: 1\r\ntransfer-encoding: chunked\r\n")]
    public void Any_Transfer_Encoding_but_one_chunked_is_refused(string headers)
    {
        Assert.Equal(UpstreamFault.UnsupportedTransferEncoding, FaultOf("HTTP/1.1 200 OK\r\n" + headers + "\r\n"));
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked")]
    [InlineData("transfer-encoding: CHUNKED")]
    [InlineData("Transfer-Encoding:  chunked \t")]
    public void One_chunked_Transfer_Encoding_is_read_and_not_kept_as_a_header(string line)
    {
        var head = Parse("HTTP/1.1 200 OK\r\n" + line + "\r\n\r\n");

        Assert.True(head.Chunked);
        Assert.Empty(head.Headers);
    }

    // ---------------------------------------------------------------- valid heads

    [Fact]
    public void Bare_LF_line_endings_read_as_CRLF_ones_do()
    {
        const string Crlf = "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nX-A: 1\r\nContent-Length: 5\r\n\r\n";
        var lf = Parse(Crlf.Replace("\r\n", "\n", StringComparison.Ordinal));
        var crlf = Parse(Crlf);
        var mixed = Parse("HTTP/1.1 201 Created\nContent-Type: text/plain\r\nX-A: 1\nContent-Length: 5\r\n\n");

        foreach (var head in new[] { lf, crlf, mixed })
        {
            Assert.Equal(201, head.Status);
            Assert.Equal("Created", head.Reason);
            Assert.Equal(5, head.ContentLength);
            Assert.Equal([new("Content-Type", "text/plain"), new("X-A", "1")], head.Headers);
        }
    }

    [Fact]
    public void Headers_are_kept_in_order_with_values_trimmed_and_empty_values_kept()
    {
        var head = Parse("HTTP/1.1 200 OK\r\nX-Z: 1\r\nX-A:\t two words \t\r\nX-Empty:\r\nX-Spaces:   \r\nx-lower: v\r\n\r\n");

        Assert.Equal([new("X-Z", "1"), new("X-A", "two words"), new("X-Empty", ""), new("X-Spaces", ""), new("x-lower", "v")], head.Headers);
    }

    [Fact]
    public void Well_known_names_take_their_usual_spelling()
    {
        var head = Parse("HTTP/1.1 200 OK\r\ncontent-type: a\r\nSET-COOKIE: b\r\n\r\n");

        Assert.Equal([new("Content-Type", "a"), new("Set-Cookie", "b")], head.Headers);
    }

    [Fact]
    public void Set_Cookie_twice_is_kept_twice_in_order()
    {
        var head = Parse("HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/\r\nX-Between: x\r\nSet-Cookie: b=2, c=3\r\n\r\n");

        Assert.Equal(["a=1; Path=/", "b=2, c=3"], head.Headers.Where(h => h.Key == "Set-Cookie").Select(h => h.Value));
    }

    [Fact]
    public void A_UTF8_value_is_kept_as_its_string_and_other_bytes_as_Latin1()
    {
        var head = Parse([.. "HTTP/1.1 200 OK\r\nX-Name: "u8, .. Encoding.UTF8.GetBytes("Jürgen 🐕 日本"), .. "\r\nX-Latin1: caf"u8, 0xE9, .. "\r\n\r\n"u8]);

        Assert.Equal("Jürgen 🐕 日本", Value(head, "X-Name"));
        Assert.Equal("café", Value(head, "X-Latin1"));
    }

    [Theory]
    [InlineData("Connection: close", true, false)]
    [InlineData("Connection: CLOSE", true, false)]
    [InlineData("Connection: keep-alive", false, true)]
    [InlineData("Connection: Keep-Alive", false, true)]
    [InlineData("Connection: keep-alive, close", true, true)]
    [InlineData("Connection: ,  , close ,", true, false)]
    [InlineData("Connection: upgrade", false, false)]
    [InlineData("X-None: 1", false, false)]
    public void The_Connection_header_sets_close_and_keep_alive_and_is_not_kept(string line, bool close, bool keepAlive)
    {
        var head = Parse("HTTP/1.1 200 OK\r\n" + line + "\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(close, head.Close);
        Assert.Equal(keepAlive, head.KeepAlive);
        Assert.Equal(!close, head.Persistent);
        Assert.DoesNotContain(head.Headers, h => h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Headers_the_Connection_header_names_are_removed_whichever_comes_first()
    {
        var head = Parse("HTTP/1.1 200 OK\r\nX-Secret: 1\r\nConnection: x-secret, X-Other\r\nX-Keep: 2\r\nX-Other: 3\r\nx-other: 4\r\n"
            + "Connection: X-Late\r\nX-Late: 5\r\n\r\n");

        Assert.Equal([new("X-Keep", "2")], head.Headers);
        Assert.True(head.Persistent);
    }

    [Fact]
    public void Hop_by_hop_headers_are_not_in_Headers_and_Upgrade_is_kept_aside()
    {
        var head = Parse("HTTP/1.1 101 Switching Protocols\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
            + "Trailer: X-Sum\r\nProxy-Authenticate: Basic\r\nUpgrade: websocket\r\nX-End: 1\r\n\r\n");

        Assert.Equal([new("X-End", "1")], head.Headers);
        Assert.Equal("websocket", head.Upgrade);
    }

    [Theory]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n", false)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n", true)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n", false)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\n", false)]
    public void An_HTTP_10_answer_is_persistent_only_with_keep_alive(string head, bool persistent)
    {
        Assert.Equal(persistent, Parse(head + "\r\n").Persistent);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", true, nameof(BodyFraming.None))]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n", true, nameof(BodyFraming.None))]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n", false, nameof(BodyFraming.None))]
    [InlineData("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n", false, nameof(BodyFraming.None))]
    [InlineData("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n", false, nameof(BodyFraming.None))]
    [InlineData("HTTP/1.1 100 Continue\r\n", false, nameof(BodyFraming.None))]
    [InlineData("HTTP/1.1 103 Early Hints\r\nContent-Length: 5\r\n", false, nameof(BodyFraming.None))]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n", false, nameof(BodyFraming.Chunked))]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n", false, nameof(BodyFraming.Chunked))]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n", false, nameof(BodyFraming.Chunked))]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", false, nameof(BodyFraming.Length))]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", false, nameof(BodyFraming.Length))]
    [InlineData("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n", false, nameof(BodyFraming.Length))]
    [InlineData("HTTP/1.1 200 OK\r\n", false, nameof(BodyFraming.UntilClose))]
    [InlineData("HTTP/1.0 200 OK\r\n", false, nameof(BodyFraming.UntilClose))]
    [InlineData("HTTP/1.1 205 Reset Content\r\n", false, nameof(BodyFraming.UntilClose))]
    public void Framing_follows_RFC_9112_section_6_3(string head, bool headRequest, string framing)
    {
        Assert.Equal(Enum.Parse<BodyFraming>(framing), Parse(head + "\r\n").Framing(headRequest));
    }

    [Fact]
    public void A_connections_head_and_strings_reused_for_the_next_answer_keep_nothing_of_the_last()
    {
        var strings = new HeaderStrings();
        var head = new ResponseHead();
        Parse(Bytes("HTTP/1.0 101 Switching\r\nDate: one\r\nX-A: 1\r\nConnection: close, keep-alive, X-B\r\nUpgrade: h2c\r\n"
            + "Transfer-Encoding: chunked\r\nContent-Length: 7\r\n\r\n"), strings, head);

        Parse(Bytes("HTTP/1.1 200 OK\r\nDate: two\r\nX-B: 2\r\n\r\n"), strings, head);

        Assert.Equal((200, "OK", false, ResponseHead.NoLength, false, false, false, (string?)null),
            (head.Status, head.Reason, head.Http10, head.ContentLength, head.Chunked, head.Close, head.KeepAlive, head.Upgrade));
        Assert.Equal([new("Date", "two"), new("X-B", "2")], head.Headers);

        Parse(Bytes("HTTP/1.1 200 OK\r\nDate: two\r\nX-B: 2\r\n\r\n"), strings, head);
        Assert.Equal([new("Date", "two"), new("X-B", "2")], head.Headers);
        Parse(Bytes("HTTP/1.1 200 Fine\r\nDate: three\r\nX-C: 2\r\n\r\n"), strings, head);
        Assert.Equal("Fine", head.Reason);
        Assert.Equal([new("Date", "three"), new("X-C", "2")], head.Headers);
    }

    [Fact]
    public void A_head_with_more_lines_than_the_string_cache_reads_every_line()
    {
        var text = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (var i = 0; i < 100; i++)
            text.Append("X-H").Append(i).Append(": v").Append(i).Append("\r\n");
        var strings = new HeaderStrings();

        for (var round = 0; round < 2; round++)
        {
            var head = Parse(Bytes(text + "\r\n"), strings);
            Assert.Equal(Enumerable.Range(0, 100).Select(i => new KeyValuePair<string, string>($"X-H{i}", $"v{i}")), head.Headers);
        }
    }

    // ---------------------------------------------------------------- FindEnd

    public static TheoryData<string> ValidHeads => new()
    {
        "HTTP/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\n\n",
        "HTTP/1.1 200 OK\n\r\n",
        "HTTP/1.1 200 OK\r\n\n",
        "HTTP/1.1 204\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nX-Empty:\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 11\nX-Empty:\n\n",
        "HTTP/1.1 200 OK\r\nX-A: 1\nX-B: \r\r\n\n",
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.0 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: keep-alive\r\n\r\n",
    };

    [Theory]
    [MemberData(nameof(ValidHeads))]
    public void FindEnd_over_every_prefix_resuming_as_the_exchange_does_finds_the_end_once_at_the_full_length(string text)
    {
        // The body after the head holds blank lines of its own: the end found must be the head's.
        var head = Bytes(text);
        var data = Bytes(text + "\n\n\r\n\r\nbody\r\n\r\n");

        var found = new List<int>();
        for (var length = 1; length <= head.Length; length++)
        {
            var end = ResponseHeadParser.FindEnd(data.AsSpan(0, length), length - 1 - 2);
            if (end >= 0)
                found.Add(length);
            if (end >= 0)
                Assert.Equal(head.Length, end);
        }
        Assert.Equal([head.Length], found);
    }

    [Theory]
    [MemberData(nameof(ValidHeads))]
    public void FindEnd_in_two_reads_split_anywhere_finds_the_end_of_the_head(string text)
    {
        var head = Bytes(text);
        var data = Bytes(text + "\r\n\r\nbody\n\n");

        for (var first = 0; first <= data.Length; first++)
        {
            var early = ResponseHeadParser.FindEnd(data.AsSpan(0, first), -2);
            if (first < head.Length)
            {
                Assert.Equal(-1, early);
                Assert.Equal(head.Length, ResponseHeadParser.FindEnd(data, first - 2));
            }
            else
            {
                Assert.Equal(head.Length, early);
            }
        }
    }

    [Fact]
    public void FindEnd_reports_no_end_for_a_head_of_more_than_a_mebibyte_without_one()
    {
        var text = new StringBuilder("HTTP/1.1 200 OK\r\n");
        while (text.Length <= ResponseHeadParser.MaxHeadBytes + 100)
            text.Append("X-Filler: ").Append('a', 100).Append("\r\n");
        var data = Bytes(text.ToString());

        Assert.Equal(-1, ResponseHeadParser.FindEnd(data, 0));
        var searched = 0;
        for (var length = 4096; length < data.Length; length += 4096)
        {
            Assert.Equal(-1, ResponseHeadParser.FindEnd(data.AsSpan(0, length), searched - 2));
            searched = length;
        }
        Assert.Equal(data.Length + 2, ResponseHeadParser.FindEnd(Bytes(text + "\r\n"), searched - 2));
    }

    // ---------------------------------------------------------------- random mutations

    private static readonly string[] Seeds =
    [
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 11\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nSet-Cookie: a=1\r\n\r\n",
        "HTTP/1.0 404 Not Found\nContent-Length: 5, 5\nKeep-Alive: timeout=5\nConnection: keep-alive\n\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: abc=\r\n\r\n",
    ];

    /// <summary>The bytes a mutation most likely turns into a parser's edge case.</summary>
    private static readonly byte[] Interesting = [(byte)'\r', (byte)'\n', 0, (byte)' ', (byte)'\t', (byte)':', (byte)',', (byte)'0', (byte)'9',
        (byte)'-', (byte)'+', 0x01, 0x7F, 0x80, 0xC3, 0xFF, (byte)'a', (byte)'H'];

    internal static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = new List<byte>(seed);
        var count = random.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            var at = random.Next(bytes.Count + 1);
            var b = random.Next(3) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)];
            switch (random.Next(5))
            {
                case 0 when at < bytes.Count:
                    bytes[at] = b;
                    break;
                case 1:
                    bytes.Insert(at, b);
                    break;
                case 2 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                case 3 when at < bytes.Count:
                    var length = random.Next(1, Math.Min(40, bytes.Count - at) + 1);
                    bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(at, length));
                    break;
                default:
                    if (at < bytes.Count)
                        bytes[at] = Interesting[random.Next(Interesting.Length)];
                    break;
            }
        }
        return [.. bytes];
    }

    [Fact]
    public void Twenty_thousand_random_mutations_of_valid_heads_parse_cleanly_or_throw_only_UpstreamProtocolException()
    {
        var random = new Random(18);
        var strings = new HeaderStrings();
        var head = new ResponseHead();
        var parsed = 0;
        var refused = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = Mutate(random, Bytes(Seeds[i % Seeds.Length]));
            var end = ResponseHeadParser.FindEnd(bytes, random.Next(-2, 3));
            Assert.True(end is -1 || (end >= 2 && end <= bytes.Length), $"FindEnd gave {end} for {bytes.Length} bytes");
            var delimited = end < 0 ? bytes : bytes[..end];
            try
            {
                // One HeaderStrings for all of them, as one connection's would be across its answers.
                ResponseHeadParser.Parse(delimited, head, strings);
                parsed++;
            }
            catch (UpstreamProtocolException)
            {
                refused++;
                continue;
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i}: {e.GetType().Name} ({e.Message}) for {Convert.ToHexString(delimited)}");
            }

            Assert.InRange(head.Status, 100, 999);
            Assert.True(head.ContentLength >= ResponseHead.NoLength);
            Assert.DoesNotContain('\r', head.Reason);
            Assert.DoesNotContain('\n', head.Reason);
            Assert.DoesNotContain('\0', head.Reason);
            foreach (var (name, value) in head.Headers)
            {
                Assert.False(name.Length == 0, $"mutation {i}: an empty header name");
                Assert.False(name.AsSpan().ContainsAny('\r', '\n', '\0') || name.Contains(' ') || name.Contains(':'),
                    $"mutation {i}: header name \"{name}\" for {Convert.ToHexString(delimited)}");
                Assert.False(value.AsSpan().ContainsAny('\r', '\n', '\0'), $"mutation {i}: value of {name} for {Convert.ToHexString(delimited)}");
                Assert.False(value.Length > 0 && (value[0] is ' ' or '\t' || value[^1] is ' ' or '\t'), $"mutation {i}: untrimmed value of {name}");
            }
            if (head.Upgrade is { } upgrade)
                Assert.False(upgrade.AsSpan().ContainsAny('\r', '\n', '\0'));
        }

        // The mutations reach both sides: some heads still parse, most are refused.
        Assert.True(parsed > 1000, $"{parsed} parsed");
        Assert.True(refused > 1000, $"{refused} refused");
    }

    [Fact]
    public void Random_bytes_parse_or_throw_only_UpstreamProtocolException()
    {
        var random = new Random(1918);
        var head = new ResponseHead();
        var strings = new HeaderStrings();
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            for (var j = 0; j < bytes.Length; j++)
                bytes[j] = Interesting[random.Next(Interesting.Length)];
            var prefix = Bytes(i % 2 == 0 ? "HTTP/1.1 200 OK\r\n" : "");
            byte[] data = [.. prefix, .. bytes];
            try
            {
                ResponseHeadParser.Parse(data, head, strings);
            }
            catch (UpstreamProtocolException)
            {
            }
        }
    }
}
