using System.Text;
using System.Text.Json;
using Fwatchdog.Telemetry;

namespace Fwatchdog.Tests.Telemetry;

/// <summary>
/// mode=http's call line as the formatters write it: the of-watchdog's
/// <c>log.Printf("%s %s - %s - ContentLength: %s (%.4fs)", r.Method, r.RequestURI, res.Status, units.HumanSize(float64(res.ContentLength)), done.Seconds())</c>
/// (executor/http_runner.go at 9bdadb1), its " [id]" form, and its ReverseProxy form — through
/// Serilog and through the text format's direct path (<see cref="CallLineWriter"/>), byte for byte alike.
/// </summary>
public class ForwardedLineTests
{
    public static TheoryData<bool> Paths => [false, true];

    /// <param name="direct">Through <see cref="CallLineWriter"/> into the stdout batch, as the watchdog writes it in the text format.</param>
    private static string Text(bool direct, Action<RequestLog> write)
    {
        string line;
        if (direct)
        {
            var stdout = new MemoryStream();
            using (var output = new BatchedOutput(stdout, TextWriter.Null))
                write(new RequestLog(Serilog.Core.Logger.None, new CallLineWriter(output), "call-7", "GET", "/query"));
            line = Encoding.UTF8.GetString(stdout.ToArray());
        }
        else
        {
            var sink = new FormattingSink(new TextLogFormatter());
            using (var logger = sink.CreateLogger())
                write(new RequestLog(logger, "call-7", "GET", "/query"));
            line = sink.Text;
        }
        Assert.Matches(@"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} [^\n]*\n$", line);
        line = line.TrimEnd('\n');
        return line[(line.IndexOf(' ', line.IndexOf(' ') + 1) + 1)..]; // without "2006/01/02 15:04:05 "
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_line_is_the_of_watchdogs_with_the_call_id_after_it(bool direct)
    {
        var line = Text(direct, log => log.Forwarded(new ForwardedLine("/query?x=1&y=2", 200, "200 OK", 57, 57, false), 0.0011));

        Assert.Equal("GET /query?x=1&y=2 - 200 OK - ContentLength: 57B (0.0011s) call_id=call-7", line);
    }

    [Theory]
    [InlineData(1008L, 0.03125, "1.008kB (0.0312s)", false)]
    [InlineData(20971520L, 1.5, "20.97MB (1.5000s)", false)]
    [InlineData(-1L, 0.00005, "-1B (0.0001s)", false)]
    [InlineData(10125L, 0.0, "10.12kB (0.0000s)", false)]
    [InlineData(1008L, 0.03125, "1.008kB (0.0312s)", true)]
    [InlineData(20971520L, 1.5, "20.97MB (1.5000s)", true)]
    [InlineData(-1L, 0.00005, "-1B (0.0001s)", true)]
    [InlineData(10125L, 0.0, "10.12kB (0.0000s)", true)]
    [InlineData(long.MaxValue, 12345.67891, "9.223EB (12345.6789s)", true)]
    public void Sizes_and_seconds_print_as_Go_prints_them(long contentLength, double seconds, string expectedEnd, bool direct)
    {
        var line = Text(direct, log => log.Forwarded(new ForwardedLine("/", 200, "200 OK", contentLength, 0, false), seconds));

        Assert.EndsWith("ContentLength: " + expectedEnd + " call_id=call-7", line);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Log_callid_puts_the_call_id_in_brackets_in_place_of_the_suffix(bool direct)
    {
        var line = Text(direct, log => log.Forwarded(new ForwardedLine("/", 201, "201 Created", 2, 2, false), 0.5, withCallId: true));

        Assert.Equal("GET / - 201 Created - ContentLength: 2B (0.5000s) [call-7]", line);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Requests_the_of_watchdog_reverse_proxies_get_its_bytes_line(bool direct)
    {
        var line = Text(direct, log => log.Forwarded(new ForwardedLine("/events", 200, "200 OK", -1, 1234, true), 0.25, withCallId: true));

        Assert.Equal("GET /events - 200 - Bytes: 1.234kB (0.2500s) call_id=call-7", line);
    }

    [Fact]
    public void Both_paths_write_the_same_bytes_for_any_line()
    {
        var random = new Random(18);
        string[] texts = ["/", "/query?x=1&y=%20", "/café?ü=1", "/\u00ff\u0100", "200 OK", "418 I'm a teapot", "200 Ça va", "599", new string('a', 5000)];
        for (var i = 0; i < 300; i++)
        {
            var line = new ForwardedLine(texts[random.Next(texts.Length)], random.Next(100, 600), texts[random.Next(texts.Length)],
                random.Next(4) == 0 ? -1 : (long)Math.Pow(10, random.NextDouble() * 18), random.NextInt64(0, long.MaxValue), random.Next(3) == 0);
            var seconds = random.NextDouble() * Math.Pow(10, random.Next(-6, 5));
            var withCallId = random.Next(2) == 0;

            Assert.Equal(Text(false, log => log.Forwarded(line, seconds, withCallId)), Text(true, log => log.Forwarded(line, seconds, withCallId)));
        }
    }

    [Fact]
    public void The_json_format_keeps_the_numbers_and_adds_the_uri_status_text_and_length()
    {
        var sink = new FormattingSink(new JsonLogFormatter());
        using (var logger = sink.CreateLogger())
            new RequestLog(logger, "call-7", "GET", "/query").Forwarded(new ForwardedLine("/query?x=1", 200, "200 OK", -1, 300, false), 0.01);

        using var json = JsonDocument.Parse(sink.Text);
        var root = json.RootElement;
        Assert.Equal("GET /query?x=1 - 200 OK - ContentLength: -1B (0.0100s)", root.GetProperty("message").GetString());
        Assert.Equal("/query", root.GetProperty("path").GetString());
        Assert.Equal("/query?x=1", root.GetProperty("request_uri").GetString());
        Assert.Equal(200, root.GetProperty("status").GetInt32());
        Assert.Equal("200 OK", root.GetProperty("status_text").GetString());
        Assert.Equal(-1, root.GetProperty("content_length").GetInt64());
        Assert.Equal(300, root.GetProperty("bytes").GetInt64());
    }
}
