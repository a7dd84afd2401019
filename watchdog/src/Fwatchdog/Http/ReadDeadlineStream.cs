namespace Fwatchdog.Http;

/// <summary>
/// mode=http's read_timeout for the request body (a forked run has its own input deadline): if the body has not been read to its end by the deadline, the
/// connection is aborted — which cancels the request and so kills the function — as Go's
/// ReadTimeout cuts off a stalled client. Reaching the end of the body disarms the deadline.
/// </summary>
internal sealed class ReadDeadlineStream : AsyncReadOnlyStream
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _deadline.Dispose();
        base.Dispose(disposing);
    }
}
