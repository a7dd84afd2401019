using System.Text.Json;
using Fwatchdog.Telemetry;
using Serilog.Events;

namespace Fwatchdog.Tests.Telemetry;

public class JsonLogFormatterTests
{
    private static JsonElement FormatOne(LogEvent logEvent)
    {
        var text = LogEvents.Format(new JsonLogFormatter(), logEvent);
        Assert.EndsWith("\n", text);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public void Every_line_is_one_json_object()
    {
        var text = LogEvents.Format(new JsonLogFormatter(),
            LogEvents.Create("Forking fprocess."),
            LogEvents.Create("stderr: {Line}", ("Line", "multi\nline \"quoted\" \\ text")),
            LogEvents.Create(LogEventLevel.Error, LogEvents.Noon, new InvalidOperationException("broken\nbadly"), "Failed"),
            LogEvents.WithCallId("Wrote {Bytes} Bytes", "id-1", ("Bytes", 12)));

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(4, lines.Length);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        }
    }

    [Fact]
    public void Time_level_and_message_come_first()
    {
        var json = FormatOne(LogEvents.Create("Forking fprocess."));

        Assert.Equal(["time", "level", "message"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("info", json.GetProperty("level").GetString());
        Assert.Equal("Forking fprocess.", json.GetProperty("message").GetString());
    }

    [Fact]
    public void Time_is_UTC_with_milliseconds()
    {
        var time = new DateTimeOffset(2024, 3, 5, 14, 7, 9, 45, TimeSpan.FromHours(2));

        var json = FormatOne(LogEvents.Create(LogEventLevel.Information, time, null, "x"));

        Assert.Equal("2024-03-05T12:07:09.045Z", json.GetProperty("time").GetString());
    }

    [Theory]
    [InlineData(LogEventLevel.Debug, "debug")]
    [InlineData(LogEventLevel.Information, "info")]
    [InlineData(LogEventLevel.Warning, "warn")]
    [InlineData(LogEventLevel.Error, "error")]
    [InlineData(LogEventLevel.Fatal, "error")]
    public void Levels_have_short_names(LogEventLevel level, string expected)
    {
        var json = FormatOne(LogEvents.Create(level, LogEvents.Noon, null, "x"));

        Assert.Equal(expected, json.GetProperty("level").GetString());
    }

    [Fact]
    public void String_values_are_rendered_into_the_message_without_quotes()
    {
        var json = FormatOne(LogEvents.Create("Wrote {Bytes} Bytes - Duration: {Duration}s", ("Bytes", 2), ("Duration", "0.001234")));

        Assert.Equal("Wrote 2 Bytes - Duration: 0.001234s", json.GetProperty("message").GetString());
    }

    [Fact]
    public void Call_id_is_a_field_after_the_message()
    {
        var json = FormatOne(LogEvents.WithCallId("Forking fprocess.", "abc-123"));

        Assert.Equal("abc-123", json.GetProperty("call_id").GetString());
        Assert.Equal(["time", "level", "message", "call_id"], json.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Without_a_call_id_there_is_no_call_id_field()
    {
        Assert.False(FormatOne(LogEvents.Create("Listening on port: {Port}", ("Port", 8080))).TryGetProperty("call_id", out _));
    }

    [Fact]
    public void Request_fields_keep_their_json_types()
    {
        var json = FormatOne(LogEvents.Create("done",
            (LogFields.Status, 200), (LogFields.Duration, 0.25), (LogFields.Method, "POST"), (LogFields.Bytes, 12L)));

        Assert.Equal(200, json.GetProperty("status").GetInt32());
        Assert.Equal(0.25, json.GetProperty("duration").GetDouble());
        Assert.Equal("POST", json.GetProperty("method").GetString());
        Assert.Equal(12, json.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public void Request_fields_come_in_a_stable_order_whatever_the_property_order()
    {
        var json = FormatOne(LogEvents.Create("done",
            (LogFields.Bytes, 1), (LogFields.Status, 200), (LogFields.Path, "/"), (LogFields.CallId, "c")));

        Assert.Equal(["time", "level", "message", "call_id", "path", "status", "bytes"], json.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Exceptions_are_a_field()
    {
        var json = FormatOne(LogEvents.Create(LogEventLevel.Error, LogEvents.Noon, new InvalidOperationException("boom"), "Failed"));

        Assert.Contains("boom", json.GetProperty("exception").GetString());
    }

    [Fact]
    public void Non_ascii_text_is_kept_readable()
    {
        var text = LogEvents.Format(new JsonLogFormatter(), LogEvents.Create("stderr: {Line}", ("Line", "héllo <b>")));

        Assert.Contains("héllo <b>", text);
    }
}
