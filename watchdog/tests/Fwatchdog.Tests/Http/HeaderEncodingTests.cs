using System.Text;
using Fwatchdog.Http;

namespace Fwatchdog.Tests.Http;

public class HeaderEncodingTests
{
    [Theory]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 }, "café")] // UTF-8
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9 }, "café")] // Latin-1: not valid UTF-8
    [InlineData(new byte[] { 0xE2, 0x82, 0xAC, 0x35 }, "€5")]
    [InlineData(new byte[] { 0x61, 0x09, 0x62 }, "a\tb")]
    public void Request_values_are_UTF_8_when_valid_and_Latin_1_otherwise(byte[] bytes, string expected)
    {
        Assert.Equal(expected, HeaderEncoding.Values.GetString(bytes));
    }

    [Fact]
    public void Response_values_are_written_as_UTF_8()
    {
        Assert.Equal(Encoding.UTF8.GetBytes("name=café €"), HeaderEncoding.Values.GetBytes("name=café €"));
    }

    [Theory]
    [InlineData("+3")]
    [InlineData("-0")]
    public void A_signed_content_length_does_not_decode_to_a_number(string text)
    {
        var decoded = new char[20];
        var count = HeaderEncoding.ContentLength.GetChars(Encoding.ASCII.GetBytes(text), decoded);

        Assert.False(long.TryParse(decoded.AsSpan(0, count), out _));
    }

    [Fact]
    public void The_text_of_a_signed_content_length_keeps_its_sign_for_the_error_message()
    {
        Assert.Equal("-5", HeaderEncoding.ContentLength.GetString("-5"u8));
    }

    [Fact]
    public void An_unsigned_content_length_decodes_unchanged()
    {
        var decoded = new char[20];
        var count = HeaderEncoding.ContentLength.GetChars("12345"u8, decoded);

        Assert.Equal("12345", new string(decoded, 0, count));
    }

    [Fact]
    public void A_content_length_longer_than_the_parsers_buffer_is_cut_instead_of_throwing()
    {
        var decoded = new char[20];

        var count = HeaderEncoding.ContentLength.GetChars(Encoding.ASCII.GetBytes(new string('0', 30) + "3"), decoded);

        Assert.Equal(20, count); // Kestrel refuses more than 19 characters
    }

    [Fact]
    public void Only_Content_Length_gets_the_strict_decoder()
    {
        Assert.Same(HeaderEncoding.ContentLength, HeaderEncoding.SelectForRequest("content-length"));
        Assert.Same(HeaderEncoding.Values, HeaderEncoding.SelectForRequest("X-Count"));
        Assert.Same(HeaderEncoding.Values, HeaderEncoding.SelectForResponse("Content-Length"));
    }
}
