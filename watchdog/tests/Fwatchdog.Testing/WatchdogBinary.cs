namespace Fwatchdog.Testing;

/// <summary>Locates the published watchdog executable the tests run.</summary>
public static class WatchdogBinary
{
    public const string EnvironmentVariable = "FWATCHDOG_BINARY";

    /// <summary>Names a program that runs the binary, e.g. <c>qemu-aarch64-static</c> for a foreign architecture.</summary>
    public const string LauncherVariable = "FWATCHDOG_BINARY_LAUNCHER";

    /// <summary>
    /// The command that starts the binary: <c>$FWATCHDOG_BINARY_LAUNCHER</c> followed by <see cref="Path"/>
    /// when that is set (build.cake runs the linux-arm64 binary under qemu-aarch64-static this way), else
    /// the binary alone. An emulator like qemu-user runs the program inside its own process, so the
    /// PID the test sees is still the watchdog's.
    /// </summary>
    public static IReadOnlyList<string> Command()
    {
        var launcher = Environment.GetEnvironmentVariable(LauncherVariable);
        return string.IsNullOrWhiteSpace(launcher) ? [Path] : [launcher.Trim(), Path];
    }

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
