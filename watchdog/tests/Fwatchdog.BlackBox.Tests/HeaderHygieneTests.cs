using System.Net;
using System.Text;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Header bytes as a hostile client sends them (refusals are in <see cref="MalformedRequestTests"/>):
/// reserved variables cannot be forged, Latin-1 and UTF-8 values reach the function, and whatever
/// is echoed back never turns into a 500 after the function ran.
/// </summary>
public sealed class HeaderHygieneTests(ITestOutputHelper output) : WatchdogTest(output)
{
    /// <summary>A POST with raw header bytes (Latin-1 chars are sent as single bytes) that closes the connection after the answer.</summary>
    private static byte[] Post(string rawHeaders, string body = "abc") =>
        Encoding.Latin1.GetBytes($"POST /path HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{rawHeaders}Content-Length: {body.Length}\r\n\r\n{body}");

    private static string Header(string response, string name) =>
        response.Split("\r\n").Single(line => line.StartsWith(name + ": ", StringComparison.OrdinalIgnoreCase))[(name.Length + 2)..];

    private static string Variable(string response, string name) =>
        response.Split('\n').Single(line => line.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    [Fact]
    public async Task The_function_sees_the_methods_path_and_call_id_the_watchdog_uses_whatever_headers_say()
    {
        await using var watchdog = await StartAsync("env");

        var response = await RawHttp.ExchangeAsync(watchdog.Port,
            Post("Method: DELETE\r\nPath: /admin\r\nHTTP-Method: x\r\nX_Call_Id: forged\r\n"), Limits.Quick);

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.Equal("POST", Variable(response, "Http_Method"));
        Assert.Equal("/path", Variable(response, "Http_Path"));
        Assert.Equal(Header(response, "X-Call-Id"), Variable(response, "Http_X_Call_Id"));
    }

    [Theory]
    [InlineData("caf\u00e9", "Latin-1 byte E9")]
    [InlineData("caf\u00c3\u00a9", "UTF-8 bytes C3 A9")]
    public async Task Latin_1_and_UTF_8_values_reach_the_function_as_UTF_8(string rawValue, string _)
    {
        await using var watchdog = await StartAsync("env");

        var response = await RawHttp.ExchangeAsync(watchdog.Port, Post($"X-Name: {rawValue}\r\n"), Limits.Quick);

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.Equal("caf\u00c3\u00a9", Variable(response, "Http_X_Name")); // "café" in UTF-8, seen byte by byte
    }

    [Fact]
    public async Task A_non_ASCII_content_type_is_echoed_and_the_output_kept()
    {
        await using var watchdog = await StartAsync("cat");

        var response = await RawHttp.ExchangeAsync(watchdog.Port,
            Post("Content-Type: text/plain; name=caf\u00c3\u00a9\r\n", "output"), Limits.Quick);

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.Equal("text/plain; name=caf\u00c3\u00a9", Header(response, "Content-Type"));
        Assert.EndsWith("\r\n\r\noutput", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_ASCII_call_id_is_echoed_and_passed_to_the_function()
    {
        await using var watchdog = await StartAsync("env");

        var response = await RawHttp.ExchangeAsync(watchdog.Port, Post("X-Call-Id: caf\u00c3\u00a9\r\n"), Limits.Quick);

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.Equal("caf\u00c3\u00a9", Header(response, "X-Call-Id"));
        Assert.Equal("caf\u00c3\u00a9", Variable(response, "Http_X_Call_Id"));
    }

    [Fact]
    public async Task An_empty_call_id_is_replaced_everywhere_by_a_generated_one()
    {
        await using var watchdog = await StartAsync("env");

        var response = await RawHttp.ExchangeAsync(watchdog.Port, Post("X-Call-Id: \r\n"), Limits.Quick);

        var id = Header(response, "X-Call-Id");
        Assert.True(Guid.TryParse(id, out _), response);
        Assert.Equal(id, Variable(response, "Http_X_Call_Id"));
        await watchdog.WaitForLineAsync($"call_id={id}", Limits.Quick);
    }

    [Fact]
    public async Task A_content_type_setting_with_a_control_character_is_left_out_instead_of_failing_the_answer()
    {
        await using var watchdog = await StartAsync("cat", ("content_type", "text/plain\u0001"));

        using var response = await watchdog.Client.PostBodyAsync("output");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("output", await response.BodyAsync());
        Assert.Null(response.Content.Headers.ContentType);
    }
}
