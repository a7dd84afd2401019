using Fwatchdog.Lifecycle;
using Fwatchdog.Testing;

namespace Fwatchdog.Tests.Lifecycle;

public sealed class LockFileTests : IDisposable
{
    private readonly TempDirectory _directory = new("unit");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Create_makes_the_file_and_Remove_deletes_it()
    {
        var path = _directory.File(".lock");
        var lockFile = new LockFile(path);
        Assert.False(lockFile.Exists);

        lockFile.Create();
        Assert.True(File.Exists(path));
        Assert.True(lockFile.Exists);

        lockFile.Remove();
        Assert.False(File.Exists(path));
        Assert.False(lockFile.Exists);
    }

    [Fact]
    public void Create_over_an_existing_file_succeeds()
    {
        var path = _directory.File(".lock");
        File.WriteAllText(path, "stale");

        new LockFile(path).Create();

        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Removing_a_missing_file_is_not_an_error()
    {
        var lockFile = new LockFile(_directory.File(".lock"));

        lockFile.Remove();

        Assert.False(lockFile.Exists);
    }

    [Fact]
    public void Unwritable_path_names_the_path_and_suppress_lock()
    {
        // A missing parent directory fails even for root, unlike permission bits.
        var path = _directory.File("missing/.lock");

        var error = Assert.Throws<IOException>(() => new LockFile(path).Create());

        Assert.Equal($"Cannot write {path}: TMPDIR {_directory.File("missing")} does not exist; create it or point TMPDIR at a writable directory, " +
            "or set suppress_lock=true to run without a lock file.", error.Message);
        Assert.NotNull(error.InnerException);
    }
}
