namespace Fwatchdog.Testing;

/// <summary>Locates the published watchdog executable the tests run.</summary>
public static class WatchdogBinary
{
    public const string EnvironmentVariable = "FWATCHDOG_BINARY";

    /// <summary>
    /// <c>$FWATCHDOG_BINARY</c> when set (build.cake sets it), else <c>&lt;repo&gt;/artifacts/fwatchdog</c>.
    /// Throws when the file is missing so a forgotten publish fails loudly instead of skipping.
    /// </summary>
    public static string Path
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            var path = string.IsNullOrWhiteSpace(configured)
                ? System.IO.Path.Combine(RepositoryRoot(), "artifacts", "fwatchdog")
                : System.IO.Path.GetFullPath(configured);
            if (!File.Exists(path))
                throw new FileNotFoundException(
                    $"Watchdog binary not found at {path}. Run `./build.sh --target=Publish` or set {EnvironmentVariable}.", path);
            return path;
        }
    }

    /// <summary>The directory holding Watchdog.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Watchdog.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No Watchdog.sln above {AppContext.BaseDirectory}.");
    }
}
