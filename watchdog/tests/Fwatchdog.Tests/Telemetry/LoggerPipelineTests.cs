using System.Text.Json;
using System.Text.RegularExpressions;
using Fwatchdog.Telemetry;

namespace Fwatchdog.Tests.Telemetry;

/// <summary>The formatters fed by an actual logger, with the call id attached the way request handling does it.</summary>
public class LoggerPipelineTests
{
    [Fact]
    public void Text_lines_carry_a_call_id_attached_to_the_logger()
    {
        var sink = new FormattingSink(new TextLogFormatter());
        using (var logger = sink.CreateLogger())
            logger.ForContext(LogFields.CallId, "req-7").Information("Wrote {Bytes} Bytes - Duration: {Duration}s", 5, "0.000100");

        Assert.Matches(new Regex(@"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} Wrote 5 Bytes - Duration: 0.000100s call_id=req-7\n$"), sink.Text);
    }

    [Fact]
    public void Json_lines_carry_a_call_id_attached_to_the_logger()
    {
        var sink = new FormattingSink(new JsonLogFormatter());
        using (var logger = sink.CreateLogger())
            logger.ForContext(LogFields.CallId, "req-8").Information("Forking {What}.", "fprocess");

        using var json = JsonDocument.Parse(sink.Text);
        Assert.Equal("req-8", json.RootElement.GetProperty("call_id").GetString());
        Assert.Equal("Forking fprocess.", json.RootElement.GetProperty("message").GetString());
    }
}
