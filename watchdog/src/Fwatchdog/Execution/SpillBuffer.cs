using System.Buffers;
using System.Runtime.InteropServices;
using Fwatchdog.Execution.Native;

namespace Fwatchdog.Execution;

/// <summary>
/// Holds a function's output until its exit code is known (classic mode answers 500 on failure, so
/// nothing can be sent before). Up to <c>max_buffer_bytes</c> stays in pooled memory; beyond that the
/// whole output moves to an already-unlinked temporary file, so a 1 GiB output costs disk, not heap,
/// and nothing is left behind if the watchdog dies.
/// <para>
/// Disk space is reserved (fallocate) a mebibyte at a time as the output grows, one reservation in
/// the process at a time: when the disk is full, the output that asked for more fails alone, gives
/// its space back at once, and its neighbours go on with it. A directory that cannot be written at
/// all (read-only, missing) is not fatal: the output stays in memory up to
/// <see cref="MemoryFallbackLimit"/> (or max_buffer_bytes, when larger), as the Go watchdog serves
/// everything from memory.
/// </para>
/// </summary>
public sealed class SpillBuffer : Stream
{
    /// <summary>How much output a call may hold in memory when $TMPDIR cannot be written.</summary>
    public const long MemoryFallbackLimit = 64 * 1024 * 1024;

    private const int ChunkSize = 8 * 1024;
    private const long ReservationStep = 1024 * 1024;

    // Reservations one at a time: a request that fails for lack of space has released its file
    // before the next one asks, so the space goes to a neighbour instead of failing it too.
    private static readonly Lock s_reservations = new();
    private static volatile bool s_reservationUnsupported;

    private readonly long _memoryLimit;
    private readonly string _directory;
    private readonly List<byte[]> _chunks = [];
    private int _lastChunkUsed;
    private FileStream? _file;
    private long _reserved;
    private Exception? _directoryUnwritable;
    private long _length;

    public SpillBuffer(long memoryLimit, string directory)
    {
        _memoryLimit = memoryLimit;
        _directory = directory;
    }

    public override long Length => _length;
    public bool SpilledToDisk => _file is not null;
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    /// <exception cref="SpillException">No room for the output, on disk or (unwritable directory) in memory.</exception>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_file is null && _directoryUnwritable is null && _length + buffer.Length > _memoryLimit)
            await SpillAsync(cancellationToken).ConfigureAwait(false);

        if (_file is not null)
            await WriteToFileAsync(buffer, cancellationToken).ConfigureAwait(false);
        else
            AppendToMemory(buffer.Span);
        _length += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("SpillBuffer is written asynchronously.");

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes everything held so far to <paramref name="destination"/>, less the first <paramref name="skip"/> bytes.</summary>
    public async Task ReplayToAsync(Stream destination, CancellationToken cancellationToken, long skip = 0)
    {
        if (_file is null)
        {
            for (var i = 0; i < _chunks.Count; i++)
            {
                var used = ChunkUsed(i);
                var from = (int)Math.Min(skip, used);
                skip -= from;
                if (from < used)
                    await destination.WriteAsync(_chunks[i].AsMemory(from, used - from), cancellationToken).ConfigureAwait(false);
            }
            return;
        }

        _file.Position = Math.Min(skip, _length);
        await _file.CopyToAsync(destination, 64 * 1024, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies the bytes held from <paramref name="offset"/> on into <paramref name="destination"/>,
    /// as many as fit; returns how many there were.
    /// </summary>
    public async ValueTask<int> CopyStartAsync(Memory<byte> destination, CancellationToken cancellationToken, long offset = 0)
    {
        if (offset >= _length)
            return 0;
        if (_file is not null)
            return await RandomAccess.ReadAsync(_file.SafeFileHandle, destination, offset, cancellationToken).ConfigureAwait(false);
        var copied = 0;
        for (var i = 0; i < _chunks.Count && copied < destination.Length; i++)
        {
            var used = ChunkUsed(i);
            var from = (int)Math.Min(offset, used);
            offset -= from;
            var take = Math.Min(used - from, destination.Length - copied);
            _chunks[i].AsMemory(from, take).CopyTo(destination[copied..]);
            copied += take;
        }
        return copied;
    }

    private int ChunkUsed(int index) => index == _chunks.Count - 1 ? _lastChunkUsed : ChunkSize;

    private void AppendToMemory(ReadOnlySpan<byte> data)
    {
        if (_directoryUnwritable is { } cause && _length + data.Length > Math.Max(_memoryLimit, MemoryFallbackLimit))
        {
            ReturnChunks();
            throw new SpillException(
                $"the output is larger than {Math.Max(_memoryLimit, MemoryFallbackLimit)} bytes and {_directory} cannot be written to spill it; point TMPDIR at a writable directory",
                cause.HResult, cause);
        }
        while (!data.IsEmpty)
        {
            if (_chunks.Count == 0 || _lastChunkUsed == ChunkSize)
            {
                _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                _lastChunkUsed = 0;
            }
            var take = Math.Min(data.Length, ChunkSize - _lastChunkUsed);
            data[..take].CopyTo(_chunks[^1].AsSpan(_lastChunkUsed));
            _lastChunkUsed += take;
            data = data[take..];
        }
    }

    private async Task SpillAsync(CancellationToken cancellationToken)
    {
        try
        {
            _file = OpenUnlinked(_directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _directoryUnwritable = e; // stay in memory, up to the fallback limit
            return;
        }
        for (var i = 0; i < _chunks.Count; i++)
            await WriteToFileAsync(_chunks[i].AsMemory(0, ChunkUsed(i)), cancellationToken).ConfigureAwait(false);
        ReturnChunks();
    }

    private async ValueTask WriteToFileAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var end = _file!.Position + data.Length;
        if (end > _reserved)
            Reserve(end);
        try
        {
            await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // Reached only where fallocate is unsupported, or on a real I/O error.
            ReleaseFile();
            throw new SpillException($"writing the output to {_directory} failed: {e.Message}", e.HResult, e);
        }
    }

    private void Reserve(long end)
    {
        if (s_reservationUnsupported)
            return;
        var wanted = (end + ReservationStep - 1) / ReservationStep * ReservationStep;
        lock (s_reservations)
        {
            var result = LibC.fallocate((int)_file!.SafeFileHandle.DangerousGetHandle(), LibC.FALLOC_FL_KEEP_SIZE, _reserved, wanted - _reserved);
            if (result == 0)
            {
                _reserved = wanted;
                return;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.EOPNOTSUPP)
            {
                s_reservationUnsupported = true; // this file system cannot reserve; plain writes still report ENOSPC
                return;
            }
            ReleaseFile();
            throw new SpillException($"no room in {_directory} for {wanted} bytes of output: {Errno.Describe(errno)}", errno);
        }
    }

    private static FileStream OpenUnlinked(string directory)
    {
        var path = Path.Combine(directory, $"fwatchdog-output-{Guid.NewGuid():N}");
        var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            // Unbuffered: every write reaches the file at once, so closing never flushes and never fails.
            BufferSize = 0,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        try
        {
            File.Delete(path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return file;
    }

    /// <summary>Gives the disk space back now, not when the response is finished.</summary>
    private void ReleaseFile()
    {
        _file?.Dispose();
        _file = null;
        _reserved = 0;
    }

    private void ReturnChunks()
    {
        foreach (var chunk in _chunks)
            ArrayPool<byte>.Shared.Return(chunk);
        _chunks.Clear();
        _lastChunkUsed = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReturnChunks();
            ReleaseFile();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
