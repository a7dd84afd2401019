using Fwatchdog.Execution;

namespace Fwatchdog.Telemetry;

/// <summary>
/// A write-only stream that hands what is written to it to the log line by line (lines longer than
/// log_buffer_size in marked pieces). Disposing it logs a last line that had no newline.
/// </summary>
internal sealed class LogLineStream(int maxLineBytes, Action<string> line) : WriteOnlyStream
{
    private readonly LineSplitter _lines = new(maxLineBytes, line);

    public override void Write(ReadOnlySpan<byte> buffer) => _lines.Append(buffer);

    public override void Write(byte[] buffer, int offset, int count) => _lines.Append(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _lines.Append(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _lines.Append(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lines.Flush();
            _lines.Dispose();
        }
        base.Dispose(disposing);
    }
}
