namespace Fwatchdog.IntegrationTests.Support;

/// <summary>Where the repository, its templates and the published watchdog binary are.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Templates => Path.Combine(Root, "classic-templates", "template");

    /// <summary>FWATCHDOG_BINARY (set by build.cake), else artifacts/fwatchdog (docs/contract.md).</summary>
    public static string WatchdogBinary =>
        Environment.GetEnvironmentVariable("FWATCHDOG_BINARY") is { Length: > 0 } fromEnvironment
            ? Path.GetFullPath(fromEnvironment)
            : Path.Combine(Root, "artifacts", "fwatchdog");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Watchdog.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException($"No Watchdog.sln above {AppContext.BaseDirectory}");
    }
}
