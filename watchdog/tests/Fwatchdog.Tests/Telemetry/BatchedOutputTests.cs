using System.Text;
using Fwatchdog.Telemetry;

namespace Fwatchdog.Tests.Telemetry;

/// <summary>The log's stdout writer: lines that arrive during a write go out together, in order; a full buffer holds loggers back; a failing stdout loses only what failed, and is reported once.</summary>
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
    public async Task A_full_buffer_holds_the_logger_until_stdout_takes_the_lines()
    {
        var stdout = new GatedStream();
        using var output = new BatchedOutput(stdout, TextWriter.Null, capacity: 16);
        output.Append("0123456789\n"u8);
        Assert.True(stdout.WriteStarted.Wait(Patience));
        output.Append("0123456789\n"u8); // fills the pending buffer while the first write is stuck

        var third = Task.Run(() => output.Append("abcdefgh\n"u8));
        var first = await Task.WhenAny(third, Task.Delay(TimeSpan.FromMilliseconds(200)));
        Assert.False(first == third, "the logger went on although the buffer was full");

        stdout.Release();
        await third.WaitAsync(Patience);
        output.Flush();
        Assert.Equal("0123456789\n0123456789\nabcdefgh\n", string.Concat(stdout.Writes));
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
