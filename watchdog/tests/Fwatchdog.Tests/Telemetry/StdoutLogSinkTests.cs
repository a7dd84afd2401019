using System.Text;
using Fwatchdog.Telemetry;

namespace Fwatchdog.Tests.Telemetry;

/// <summary>The stdout sink: whole lines, UTF-8, from many threads at once, with reused buffers; a fatal event written before Emit returns.</summary>
public class StdoutLogSinkTests
{
    [Fact]
    public void Lines_from_many_threads_arrive_whole_and_in_utf8()
    {
        var stdout = new MemoryStream();
        var sink = new StdoutLogSink(new TextLogFormatter(), new BatchedOutput(stdout, TextWriter.Null));
        var longText = new string('x', 10_000); // beyond the kept buffer size: the next line must still be right

        Parallel.For(0, 400, i => sink.Emit(LogEvents.WithCallId("Wrote {Bytes} Bytes – {Text}", $"call-{i}",
            ("Bytes", i), ("Text", i % 100 == 0 ? longText : "ünïcode"))));
        sink.Dispose();

        var lines = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n');
        Assert.Equal("", lines[^1]);
        Assert.Equal(400, lines.Length - 1);
        for (var i = 0; i < 400; i++)
        {
            var text = i % 100 == 0 ? longText : "ünïcode";
            Assert.Single(lines, $"2024/03/05 12:07:09 Wrote {i} Bytes – {text} call_id=call-{i}");
        }
    }

    [Fact]
    public void A_new_second_gets_a_new_timestamp()
    {
        var stdout = new MemoryStream();
        var sink = new StdoutLogSink(new TextLogFormatter(), new BatchedOutput(stdout, TextWriter.Null));

        sink.Emit(LogEvents.Create(Serilog.Events.LogEventLevel.Information, LogEvents.Noon, null, "a"));
        sink.Emit(LogEvents.Create(Serilog.Events.LogEventLevel.Information, LogEvents.Noon.AddMilliseconds(900), null, "b"));
        sink.Emit(LogEvents.Create(Serilog.Events.LogEventLevel.Information, LogEvents.Noon.AddSeconds(1), null, "c"));
        sink.Dispose();

        Assert.Equal("2024/03/05 12:07:09 a\n2024/03/05 12:07:09 b\n2024/03/05 12:07:10 c\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public void A_fatal_event_is_on_stdout_when_Emit_returns()
    {
        var stdout = new RecordingStream();
        // A writer that would otherwise rest for a minute after its first write.
        using var sink = new StdoutLogSink(new TextLogFormatter(), new BatchedOutput(stdout, TextWriter.Null, coalescing: TimeSpan.FromMinutes(1)));
        sink.Emit(LogEvents.Create(Serilog.Events.LogEventLevel.Information, LogEvents.Noon, null, "first"));
        Assert.True(stdout.FirstWrite.Wait(TimeSpan.FromSeconds(10)));

        sink.Emit(LogEvents.Create(Serilog.Events.LogEventLevel.Fatal, LogEvents.Noon, null, "stopping"));

        Assert.Equal("2024/03/05 12:07:09 first\n2024/03/05 12:07:09 stopping\n", stdout.Text);
    }

    private sealed class RecordingStream : MemoryStream
    {
        private readonly Lock _lock = new();
        private readonly StringBuilder _text = new();

        public ManualResetEventSlim FirstWrite { get; } = new();

        public string Text
        {
            get { lock (_lock) return _text.ToString(); }
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_lock)
                _text.Append(Encoding.UTF8.GetString(buffer));
            FirstWrite.Set();
        }
    }
}
