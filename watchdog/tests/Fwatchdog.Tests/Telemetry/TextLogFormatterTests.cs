using Fwatchdog.Telemetry;
using Serilog.Events;

namespace Fwatchdog.Tests.Telemetry;

public class TextLogFormatterTests
{
    [Fact]
    public void Line_is_Go_log_timestamp_then_message()
    {
        var text = LogEvents.Format(new TextLogFormatter(), LogEvents.Create("Forking fprocess."));

        Assert.Equal("2024/03/05 12:07:09 Forking fprocess.\n", text);
    }

    [Fact]
    public void Call_id_follows_the_message()
    {
        var text = LogEvents.Format(new TextLogFormatter(), LogEvents.WithCallId("Forking fprocess.", "abc-123"));

        Assert.Equal("2024/03/05 12:07:09 Forking fprocess. call_id=abc-123\n", text);
    }

    [Fact]
    public void String_values_are_rendered_without_quotes()
    {
        var text = LogEvents.Format(new TextLogFormatter(),
            LogEvents.Create("Wrote {Bytes} Bytes - Duration: {Duration}s", ("Bytes", 2), ("Duration", "0.001234")));

        Assert.Equal("2024/03/05 12:07:09 Wrote 2 Bytes - Duration: 0.001234s\n", text);
    }

    [Fact]
    public void Timestamp_is_written_in_the_events_own_offset()
    {
        var time = new DateTimeOffset(2023, 12, 31, 23, 59, 58, TimeSpan.FromHours(-5));

        var text = LogEvents.Format(new TextLogFormatter(), LogEvents.Create(LogEventLevel.Information, time, null, "x"));

        Assert.Equal("2023/12/31 23:59:58 x\n", text);
    }

    [Fact]
    public void Exception_follows_on_its_own_line()
    {
        var text = LogEvents.Format(new TextLogFormatter(),
            LogEvents.Create(LogEventLevel.Error, LogEvents.Noon, new InvalidOperationException("boom"), "Failed"));

        Assert.StartsWith("2024/03/05 12:07:09 Failed\nSystem.InvalidOperationException: boom", text);
        Assert.EndsWith("\n", text);
    }

    [Fact]
    public void Missing_property_leaves_the_placeholder()
    {
        var text = LogEvents.Format(new TextLogFormatter(), LogEvents.Create("Listening on port: {Port}"));

        Assert.Equal("2024/03/05 12:07:09 Listening on port: {Port}\n", text);
    }
}
