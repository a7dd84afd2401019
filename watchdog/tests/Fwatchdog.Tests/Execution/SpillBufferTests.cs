using Fwatchdog.Execution;
using Fwatchdog.Testing;

namespace Fwatchdog.Tests.Execution;

public sealed class SpillBufferTests : IDisposable
{
    private const int Limit = 40_000;
    private readonly TempDirectory _directory = new("unit");

    public void Dispose() => _directory.Dispose();

    private static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static async Task WriteInPiecesAsync(SpillBuffer buffer, byte[] data, int pieceSize)
    {
        for (var offset = 0; offset < data.Length; offset += pieceSize)
            await buffer.WriteAsync(data.AsMemory(offset, Math.Min(pieceSize, data.Length - offset)));
    }

    private static async Task<byte[]> ReplayAsync(SpillBuffer buffer)
    {
        using var destination = new MemoryStream();
        await buffer.ReplayToAsync(destination, CancellationToken.None);
        return destination.ToArray();
    }

    /// <summary>Targets of this process's open descriptors that point into the scratch directory.</summary>
    private string[] OpenFilesInDirectory() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Select(fd => fd.LinkTarget)
            .OfType<string>()
            .Where(target => target.StartsWith(_directory.Path + "/", StringComparison.Ordinal))
            .ToArray();

    [Theory]
    [InlineData(20_000, 0)]
    [InlineData(20_000, 100)]
    [InlineData(20_000, 8192)]
    [InlineData(20_000, 20_000)]
    [InlineData(90_000, 100)]
    [InlineData(90_000, 70_000)]
    public async Task Replay_can_skip_the_start_in_memory_and_on_disk(int size, int skip)
    {
        var data = Pattern(size);
        using var buffer = new SpillBuffer(Limit, _directory.Path);
        await WriteInPiecesAsync(buffer, data, 4096);
        using var destination = new MemoryStream();

        await buffer.ReplayToAsync(destination, CancellationToken.None, skip);

        Assert.Equal(size > Limit, buffer.SpilledToDisk);
        Assert.Equal(data[skip..], destination.ToArray());
    }

    [Theory]
    [InlineData(100, 64)]
    [InlineData(20_000, 10_000)]
    [InlineData(90_000, 65_537)]
    [InlineData(10, 64)]
    public async Task CopyStart_reads_the_first_bytes_in_memory_and_on_disk(int size, int wanted)
    {
        var data = Pattern(size);
        using var buffer = new SpillBuffer(Limit, _directory.Path);
        await WriteInPiecesAsync(buffer, data, 4096);
        var start = new byte[wanted];

        var copied = await buffer.CopyStartAsync(start, CancellationToken.None);

        Assert.Equal(Math.Min(size, wanted), copied);
        Assert.Equal(data[..copied], start[..copied]);
        Assert.Equal(data, await ReplayAsync(buffer));
    }

    [Theory]
    [InlineData(100, 30, 512)]
    [InlineData(20_000, 8190, 512)]
    [InlineData(20_000, 19_900, 512)]
    [InlineData(90_000, 65_537, 512)]
    [InlineData(100, 100, 512)]
    [InlineData(100, 150, 512)]
    public async Task CopyStart_from_an_offset_reads_the_bytes_after_it_in_memory_and_on_disk(int size, int offset, int wanted)
    {
        var data = Pattern(size);
        using var buffer = new SpillBuffer(Limit, _directory.Path);
        await WriteInPiecesAsync(buffer, data, 4096);
        var window = new byte[wanted];

        var copied = await buffer.CopyStartAsync(window, CancellationToken.None, offset);

        var expected = data[Math.Min(offset, size)..][..Math.Min(wanted, Math.Max(0, size - offset))];
        Assert.Equal(expected, window[..copied]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(16 * 1024 + 1)]
    [InlineData(Limit - 1)]
    [InlineData(Limit)]
    public async Task Output_up_to_the_limit_stays_in_memory(int size)
    {
        var data = Pattern(size);
        using var buffer = new SpillBuffer(Limit, _directory.Path);

        await WriteInPiecesAsync(buffer, data, 4096);

        Assert.False(buffer.SpilledToDisk);
        Assert.Equal(size, buffer.Length);
        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
        Assert.Equal(data, await ReplayAsync(buffer));
    }

    [Theory]
    [InlineData(Limit + 1, 4096)]
    [InlineData(Limit + 1, 1)]
    [InlineData(Limit + 16 * 1024, 16 * 1024)]
    [InlineData(3 * Limit + 7, 7000)]
    [InlineData(Limit * 2, Limit * 2)]
    public async Task Output_beyond_the_limit_spills_to_an_unlinked_file(int size, int pieceSize)
    {
        var data = Pattern(size);
        using var buffer = new SpillBuffer(Limit, _directory.Path);

        await WriteInPiecesAsync(buffer, data, pieceSize);

        Assert.True(buffer.SpilledToDisk);
        Assert.Equal(size, buffer.Length);
        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
        Assert.Single(OpenFilesInDirectory(), target => target.EndsWith(" (deleted)", StringComparison.Ordinal));
        Assert.Equal(data, await ReplayAsync(buffer));
    }

    [Fact]
    public async Task Disposing_a_spilled_buffer_closes_its_file()
    {
        var buffer = new SpillBuffer(Limit, _directory.Path);
        await buffer.WriteAsync(Pattern(Limit + 1));
        Assert.NotEmpty(OpenFilesInDirectory());

        buffer.Dispose();

        Assert.Empty(OpenFilesInDirectory());
    }

    [Fact]
    public async Task Zero_limit_spills_the_first_byte()
    {
        using var buffer = new SpillBuffer(0, _directory.Path);

        await buffer.WriteAsync(new byte[] { 42 });

        Assert.True(buffer.SpilledToDisk);
        Assert.Equal([42], await ReplayAsync(buffer));
    }

    [Fact]
    public void Synchronous_writes_are_refused()
    {
        using var buffer = new SpillBuffer(Limit, _directory.Path);

        Assert.Throws<NotSupportedException>(() => buffer.Write([1, 2, 3], 0, 3));
    }

    [Fact]
    public async Task A_directory_that_cannot_be_written_keeps_output_in_memory_up_to_the_fallback_limit()
    {
        var missing = _directory.File("no-such-directory");
        var data = Pattern(3 * Limit);
        using var buffer = new SpillBuffer(Limit, missing);

        await WriteInPiecesAsync(buffer, data, 4096);

        Assert.False(buffer.SpilledToDisk);
        Assert.Equal(data, await ReplayAsync(buffer));
    }

    [Fact]
    public async Task Beyond_the_fallback_limit_the_write_fails_with_a_sentence_naming_the_directory()
    {
        var missing = _directory.File("no-such-directory");
        using var buffer = new SpillBuffer(Limit, missing);
        var piece = new byte[1024 * 1024];
        for (var written = 0L; written < SpillBuffer.MemoryFallbackLimit; written += piece.Length)
            await buffer.WriteAsync(piece);

        var failure = await Assert.ThrowsAsync<SpillException>(() => buffer.WriteAsync(new byte[1]).AsTask());

        Assert.Contains(missing, failure.Message);
        Assert.Contains("TMPDIR", failure.Message);
    }
}
