namespace Fwatchdog.Http;

/// <summary>
/// mode=http's read_timeout for the request body (a forked run has its own input deadline): if the body has not been read to its end by the deadline, the
/// connection is aborted — which cancels the request and so kills the function — as Go's
/// ReadTimeout cuts off a stalled client. Reaching the end of the body disarms the deadline.
/// </summary>
internal sealed class ReadDeadlineStream : Stream
{
    private readonly Stream _inner;
    private readonly ITimer _deadline;
    private volatile bool _expired;

    public ReadDeadlineStream(Stream inner, TimeSpan timeout, Action onExpired)
    {
        _inner = inner;
        _deadline = TimeProvider.System.CreateTimer(static state =>
        {
            var (stream, expired) = ((ReadDeadlineStream, Action))state!;
            stream._expired = true;
            expired();
        }, (this, onExpired), timeout, Timeout.InfiniteTimeSpan);
    }

    public bool Expired => _expired;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read == 0)
            _deadline.Dispose();
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _deadline.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The request body is read asynchronously.");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
