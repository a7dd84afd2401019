using Fwatchdog.Lifecycle;
using Fwatchdog.Testing;

namespace Fwatchdog.Tests.Lifecycle;

public sealed class TempDirectoryProblemTests : IDisposable
{
    private readonly TempDirectory _directory = new("unit");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_writable_directory_has_no_problem_and_keeps_no_probe_file()
    {
        Assert.Null(TempDirectoryProblem.Probe(_directory.Path));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory.Path));
    }

    [Fact]
    public void A_missing_directory_is_named_with_create_it()
    {
        var missing = _directory.File("missing");

        var problem = TempDirectoryProblem.Probe(missing);

        Assert.Equal(new TempDirectoryProblem($"TMPDIR {missing} does not exist", "create it or point TMPDIR at a writable directory"), problem);
    }

    [Fact]
    public void A_file_is_named_as_not_a_directory()
    {
        var file = _directory.File("file");
        File.WriteAllText(file, "");

        var problem = TempDirectoryProblem.Probe(file);

        Assert.Equal($"TMPDIR {file} is a file, not a directory", problem?.Reason);
    }

    public static TheoryData<Exception, string, string> Failures => new()
    {
        { new UnauthorizedAccessException("Access to the path is denied."), "is not writable for this user", "make it writable or point TMPDIR at a writable directory" },
        { new IOException("Read-only file system", 30), "is on a read-only file system", "mount a writable volume there (e.g. an emptyDir) or point TMPDIR at a writable directory" },
        { new IOException("No space left on device", 28), "is full", "free space there or point TMPDIR at a larger directory" },
        { new IOException("Too many open files.", 24), "cannot hold files (Too many open files)", "point TMPDIR at a writable directory" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Failures_in_an_existing_directory_are_told_by_cause(Exception error, string reason, string remedy)
    {
        var problem = TempDirectoryProblem.Explain(_directory.Path, error);

        Assert.Equal($"TMPDIR {_directory.Path} {reason}", problem.Reason);
        Assert.Equal(remedy, problem.Remedy);
    }
}
