using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The log's only sink: each event formatted into a per-thread buffer, then handed whole to
/// <see cref="BatchedOutput"/>, which writes the accumulated lines to stdout in one write — so lines
/// never interleave, and the threads that log do not make a system call per line. A fatal event is
/// written before Emit returns (the watchdog is about to stop); the rest within about a millisecond,
/// and all of it before Dispose returns. Replaces Serilog's console sink, which
/// allocated a StringWriter and its string per event and wrote through Console.Out's synchronized,
/// auto-flushed writer: in mode=http, where every proxied call logs a line, that took 5-6 µs of the
/// watchdog's ~38 µs of CPU per request.
/// </summary>
internal sealed class StdoutLogSink(ITextFormatter formatter, BatchedOutput output) : ILogEventSink, IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    [ThreadStatic]
    private static LineBuffer? t_line;

    public void Emit(LogEvent logEvent)
    {
        var line = t_line ??= new LineBuffer();
        formatter.Format(logEvent, line.Text);
        var bytes = line.Encode();
        output.Append(bytes);
        line.Reset();
        if (logEvent.Level == LogEventLevel.Fatal)
            output.Flush(); // the watchdog is about to stop
    }

    /// <summary>Writes every line still buffered (Serilog disposes its sinks with the logger, at exit).</summary>
    public void Dispose() => output.Dispose();

    /// <summary>One thread's text and byte buffers, reused line after line; an unusually long line's are dropped after it.</summary>
    private sealed class LineBuffer
    {
        private const int KeptChars = 4096;

        private byte[] _bytes = new byte[1024];

        public StringWriter Text { get; } = new(new StringBuilder(256), CultureInfo.InvariantCulture);

        public ReadOnlySpan<byte> Encode()
        {
            var text = Text.GetStringBuilder();
            var needed = Utf8.GetMaxByteCount(text.Length);
            if (_bytes.Length < needed)
                _bytes = new byte[needed];
            var written = 0;
            foreach (var chunk in text.GetChunks())
                written += Utf8.GetBytes(chunk.Span, _bytes.AsSpan(written));
            return _bytes.AsSpan(0, written);
        }

        public void Reset()
        {
            var text = Text.GetStringBuilder();
            text.Clear();
            if (text.Capacity > KeptChars)
            {
                text.Capacity = KeptChars;
                _bytes = new byte[1024];
            }
        }
    }
}
