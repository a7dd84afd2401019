using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using Microsoft.Win32.SafeHandles;

namespace Fwatchdog.Execution.Native;

/// <summary>The function stopped reading its stdin (EPIPE); what it did read still counts.</summary>
internal sealed class PipeClosedException() : IOException("The function closed its standard input before reading all of it.");

/// <summary>
/// Our end of a pipe to a function process, as an async-only <see cref="Stream"/>. The fd is
/// non-blocking; when a read or write would block, the end awaits the next readiness edge from
/// <see cref="PipeEventLoop"/>. A sequence number taken before each attempt closes the race
/// between "would block" and the edge arriving. One reader or one writer at a time, never both.
/// </summary>
internal sealed class PipeEnd : Stream, IValueTaskSource
{
    private readonly SafeFileHandle _handle;
    private readonly int _fd;
    private readonly bool _forWriting;
    private readonly PipeEventLoop _loop;
    private readonly long _token;
    private readonly Lock _gate = new();
    private ManualResetValueTaskSourceCore<bool> _waiter = new() { RunContinuationsAsynchronously = true };
    private int _readySequence;
    private bool _waiting;
    private bool _closed;

    /// <summary>Takes ownership of <paramref name="handle"/> at once: a constructor that throws has closed it.</summary>
    /// <exception cref="NativeCallException">fcntl or epoll_ctl failed.</exception>
    public PipeEnd(SafeFileHandle handle, bool forWriting, PipeEventLoop loop)
    {
        _handle = handle;
        _fd = (int)handle.DangerousGetHandle();
        _forWriting = forWriting;
        _loop = loop;
        try
        {
            var flags = LibC.fcntl(_fd, LibC.F_GETFL, 0);
            NativeCallException.ThrowIfFailed(flags, "fcntl(F_GETFL)");
            NativeCallException.ThrowIfFailed(LibC.fcntl(_fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK), "fcntl(F_SETFL)");
            _token = loop.Register(this, _fd, forWriting);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public bool IsClosed => Volatile.Read(ref _closed);

    public override bool CanRead => !_forWriting;
    public override bool CanWrite => _forWriting;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var sequence = Volatile.Read(ref _readySequence);
            var result = TryTransfer(buffer.Span, write: false);
            if (result >= 0)
                return (int)result;
            await WaitForReadinessAsync(sequence, cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var sequence = Volatile.Read(ref _readySequence);
            var result = TryTransfer(MemoryMarshal.AsMemory(buffer).Span, write: true);
            if (result >= 0)
                buffer = buffer[(int)result..];
            else
                await WaitForReadinessAsync(sequence, cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Bytes moved, or -1 when the call would block.</summary>
    private unsafe nint TryTransfer(Span<byte> buffer, bool write)
    {
        var added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            while (true)
            {
                nint result;
                fixed (byte* pointer = buffer)
                {
                    result = write
                        ? LibC.write(_fd, pointer, (nuint)buffer.Length)
                        : LibC.read(_fd, pointer, (nuint)buffer.Length);
                }
                if (result >= 0)
                    return result;
                var errno = Marshal.GetLastPInvokeError();
                switch (errno)
                {
                    case LibC.EINTR:
                        continue;
                    case LibC.EAGAIN:
                        return -1;
                    case LibC.EPIPE:
                        throw new PipeClosedException();
                    default:
                        throw new NativeCallException(write ? "write to the function's stdin" : "read from the function's output", errno);
                }
            }
        }
        finally
        {
            if (added)
                _handle.DangerousRelease();
        }
    }

    private ValueTask WaitForReadinessAsync(int observedSequence, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_readySequence != observedSequence)
                return ValueTask.CompletedTask;
            _waiter.Reset();
            _waiting = true;
        }
        if (cancellationToken.CanBeCanceled)
            return WaitCancellableAsync(cancellationToken);
        return new ValueTask(this, _waiter.Version);
    }

    private async ValueTask WaitCancellableAsync(CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.UnsafeRegister(
            static state => ((PipeEnd)state!).Wake(new OperationCanceledException()), this).ConfigureAwait(false);
        await new ValueTask(this, _waiter.Version).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Called by the event loop on every readiness edge.</summary>
    public void SignalReady()
    {
        lock (_gate)
        {
            _readySequence++;
            if (!_waiting)
                return;
            _waiting = false;
        }
        _waiter.SetResult(true);
    }

    private void Wake(Exception reason)
    {
        lock (_gate)
        {
            if (!_waiting)
                return;
            _waiting = false;
        }
        _waiter.SetException(reason);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                if (_closed)
                    return;
                _closed = true;
            }
            Wake(new ObjectDisposedException(nameof(PipeEnd), "The function pipe was closed."));
            _loop.Unregister(_token, _fd);
            _handle.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Function pipes are read asynchronously.");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Function pipes are written asynchronously.");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    void IValueTaskSource.GetResult(short token) => _waiter.GetResult(token);
    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _waiter.GetStatus(token);
    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);
}
