using System.Text;
using Fwatchdog.Telemetry;

namespace Fwatchdog.Tests.Telemetry;

/// <summary>The log's stdout writer: lines that arrive during a write go out together, in order; a full buffer drops and counts new lines, never holding a logger back; a failing stdout loses only what failed, and is reported once.</summary>
public class BatchedOutputTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void Lines_that_arrive_while_stdout_is_busy_go_out_in_one_write()
    {
        var stdout = new GatedStream();
        using var output = new BatchedOutput(stdout, TextWriter.Null);

        output.Append("first\n"u8);
        Assert.True(stdout.WriteStarted.Wait(Patience));
        for (var i = 0; i < 100; i++)
            output.Append(Encoding.UTF8.GetBytes($"line {i}\n"));
        stdout.Release();
        output.Flush();

        Assert.Equal(2, stdout.Writes.Count);
        Assert.Equal("first\n", stdout.Writes[0]);
        Assert.Equal(string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i}\n")), stdout.Writes[1]);
    }

    [Fact]
    public void A_full_buffer_drops_new_lines_without_waiting_and_reports_how_many_once_stdout_moves()
    {
        var stdout = new GatedStream();
        using var output = new BatchedOutput(stdout, TextWriter.Null, capacity: 16);
        var reports = new List<long>();
        output.LinesDropped = count => { lock (reports) reports.Add(count); output.Append(Encoding.UTF8.GetBytes($"dropped {count}\n")); };
        output.Append("0123456789\n"u8);
        Assert.True(stdout.WriteStarted.Wait(Patience));
        output.Append("0123456789\n"u8); // fills the pending buffer while the first write is stuck

        output.Append("abcdefgh\n"u8); // returns at once: dropped
        output.Append("ijklmnop\n"u8);
        Assert.Equal(2, output.DroppedLines);

        stdout.Release();
        output.Flush();
        output.Flush(); // the report, appended by the writer after the first write moved
        Assert.Equal("0123456789\n0123456789\ndropped 2\n", string.Concat(stdout.Writes));
        lock (reports)
            Assert.Equal([2L], reports);
        Assert.Equal(2, output.DroppedLines);
    }

    [Fact]
    public void A_line_longer_than_the_buffer_is_taken_whole_when_nothing_waits()
    {
        var stdout = new MemoryStream();
        var output = new BatchedOutput(stdout, TextWriter.Null, capacity: 4);
        output.Append("a long line\n"u8);
        output.Dispose();

        Assert.Equal("a long line\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal(0, output.DroppedLines);
    }

    [Fact]
    public void A_failing_stdout_loses_only_the_failed_lines_and_is_reported_once()
    {
        var problems = new StringWriter();
        var stdout = new FailingStream(failures: 2);
        var output = new BatchedOutput(stdout, problems);

        output.Append("a\n"u8);
        output.Flush();
        output.Append("b\n"u8);
        output.Flush();
        output.Append("c\n"u8);
        output.Dispose();

        Assert.Equal("c\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("fwatchdog: writing the log to stdout failed (No space left on device); lines are lost while it fails. Check what reads the container's stdout.\n",
            problems.ToString());
    }

    [Fact]
    public void Dispose_writes_what_is_left()
    {
        var stdout = new MemoryStream();
        var output = new BatchedOutput(stdout, TextWriter.Null, coalescing: TimeSpan.FromMinutes(1));
        output.Append("a\n"u8);
        output.Append("b\n"u8);

        output.Dispose();

        Assert.Equal("a\nb\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    /// <summary>Records each write; the first one waits until <see cref="Release"/>.</summary>
    private sealed class GatedStream : MemoryStream
    {
        private readonly ManualResetEventSlim _gate = new();

        public ManualResetEventSlim WriteStarted { get; } = new();
        public List<string> Writes { get; } = [];

        public void Release() => _gate.Set();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            WriteStarted.Set();
            _gate.Wait(Patience); // on the writer thread: a test that never releases it fails on its own assertions
            lock (Writes)
                Writes.Add(Encoding.UTF8.GetString(buffer));
        }
    }

    /// <summary>Fails its first writes as a full disk would, then works.</summary>
    private sealed class FailingStream(int failures) : MemoryStream
    {
        private int _failuresLeft = failures;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_failuresLeft-- > 0)
                throw new IOException("No space left on device");
            base.Write(buffer);
        }
    }
}
