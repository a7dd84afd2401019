using System.Buffers;

namespace Fwatchdog.Execution;

/// <summary>
/// Holds a function's output until its exit code is known (classic mode answers 500 on failure, so
/// nothing can be sent before). Up to <c>max_buffer_bytes</c> stays in pooled memory; beyond that the
/// whole output moves to an already-unlinked temporary file, so a 1 GiB output costs disk, not heap,
/// and nothing is left behind if the watchdog dies.
/// </summary>
public sealed class SpillBuffer : Stream
{
    private const int ChunkSize = 8 * 1024;

    private readonly long _memoryLimit;
    private readonly string _directory;
    private readonly List<byte[]> _chunks = [];
    private int _lastChunkUsed;
    private FileStream? _file;
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

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_file is null && _length + buffer.Length > _memoryLimit)
            await SpillAsync(cancellationToken).ConfigureAwait(false);

        if (_file is not null)
            await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
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
                var used = i == _chunks.Count - 1 ? _lastChunkUsed : ChunkSize;
                var from = (int)Math.Min(skip, used);
                skip -= from;
                if (from < used)
                    await destination.WriteAsync(_chunks[i].AsMemory(from, used - from), cancellationToken).ConfigureAwait(false);
            }
            return;
        }

        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Position = Math.Min(skip, _length);
        await _file.CopyToAsync(destination, 64 * 1024, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies the first bytes held into <paramref name="destination"/>; returns how many there were.</summary>
    public async ValueTask<int> CopyStartAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_file is not null)
        {
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            return await RandomAccess.ReadAsync(_file.SafeFileHandle, destination, 0, cancellationToken).ConfigureAwait(false);
        }
        var copied = 0;
        for (var i = 0; i < _chunks.Count && copied < destination.Length; i++)
        {
            var used = i == _chunks.Count - 1 ? _lastChunkUsed : ChunkSize;
            var take = Math.Min(used, destination.Length - copied);
            _chunks[i].AsMemory(0, take).CopyTo(destination[copied..]);
            copied += take;
        }
        return copied;
    }

    private void AppendToMemory(ReadOnlySpan<byte> data)
    {
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
        var path = Path.Combine(_directory, $"fwatchdog-output-{Guid.NewGuid():N}");
        _file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 64 * 1024,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        File.Delete(path);
        for (var i = 0; i < _chunks.Count; i++)
        {
            var used = i == _chunks.Count - 1 ? _lastChunkUsed : ChunkSize;
            await _file.WriteAsync(_chunks[i].AsMemory(0, used), cancellationToken).ConfigureAwait(false);
        }
        ReturnChunks();
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
            _file?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
