using Fwatchdog.Execution;

namespace Fwatchdog.Proxy;

/// <summary>
/// A write-only stream that turns what the upstream process prints into log lines, so its stdout
/// can be handed to <see cref="FunctionRun"/> like any output destination. <see cref="Flush"/>
/// logs a last line that has no newline.
/// </summary>
internal sealed class LogLineStream(Action<string> line) : Stream
{
    private readonly LineSplitter _lines = new(line);

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

    public override void Flush() => _lines.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
