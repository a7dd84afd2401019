using Fwatchdog.Testing;

namespace Fwatchdog.Operations.Tests.Release;

/// <summary>
/// A throwaway git repository holding a copy of the real scripts/ folder, for running the release
/// scripts against files and tags a test chooses. Git runs without the user's or the system's
/// configuration, so neither can change what the scripts see.
/// </summary>
internal sealed class ScratchRepository : IDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);

    private static readonly Dictionary<string, string> IsolatedGit = new()
    {
        ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_AUTHOR_NAME"] = "test",
        ["GIT_AUTHOR_EMAIL"] = "test@localhost",
        ["GIT_COMMITTER_NAME"] = "test",
        ["GIT_COMMITTER_EMAIL"] = "test@localhost",
    };

    private readonly TempDirectory _directory = new("release-scratch");

    private ScratchRepository()
    {
    }

    public string Root => _directory.Path;

    public static async Task<ScratchRepository> CreateAsync()
    {
        var repository = new ScratchRepository();
        var scripts = Directory.CreateDirectory(Path.Combine(repository.Root, "scripts"));
        foreach (var script in Directory.GetFiles(RepositoryFiles.PathOf("scripts"), "*.sh"))
            File.Copy(script, Path.Combine(scripts.FullName, Path.GetFileName(script))); // keeps the executable bit
        await repository.GitAsync("init", "-q", "-b", "main");
        return repository;
    }

    public void Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    public async Task CommitAsync(string message = "change")
    {
        await GitAsync("add", "-A");
        await GitAsync("commit", "-q", "--allow-empty", "-m", message);
    }

    /// <param name="move">Move the tag to HEAD when it exists (git tag -f).</param>
    public Task TagAsync(string tag, bool move = false) => move ? GitAsync("tag", "-f", tag) : GitAsync("tag", tag);

    /// <summary>Runs scripts/<paramref name="script"/>; exit code and output (stdout, then stderr).</summary>
    public Task<(int ExitCode, string Output)> RunAsync(string script, params string[] arguments) =>
        ToolProcess.RunAsync(Path.Combine(Root, "scripts", script), arguments, ScriptTimeout, workingDirectory: Root, environment: IsolatedGit);

    /// <summary>Runs a script that must succeed and returns its output without the final newline.</summary>
    public async Task<string> RunOkAsync(string script, params string[] arguments)
    {
        var (exitCode, output) = await RunAsync(script, arguments);
        return exitCode == 0 ? output.TrimEnd('\n') : throw new InvalidOperationException($"scripts/{script} exited {exitCode}:\n{output}");
    }

    private Task GitAsync(params string[] arguments) => Git.RunAsync(Root, IsolatedGit, arguments);

    public void Dispose() => _directory.Dispose();
}
