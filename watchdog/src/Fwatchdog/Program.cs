using Fwatchdog.Configuration;
using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Fwatchdog;

/// <summary>Entry point: the command-line modes, then configuration and the watchdog itself.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (HasFlag(args, "version"))
        {
            Console.Out.Write($"Version: {BuildInfo.Version}\tSHA: {BuildInfo.Commit}\n");
            return 0;
        }
        if (HasFlag(args, "run-healthcheck"))
            return HealthcheckCommand.Run();

        WatchdogOptions options;
        IReadOnlyList<string> warnings;
        try
        {
            options = EnvironmentConfiguration.FromProcessEnvironment(out warnings);
        }
        catch (ConfigurationException e)
        {
            Console.Error.Write($"{e.Message}\n");
            return 1;
        }
        // mode=http: the first time, this replaces the process with itself under mode=http's GC budget.
        var runtime = ProxyRuntimeSettings.Apply(options.Mode);
        if (runtime.Warning is { } runtimeWarning)
            warnings = [.. warnings, runtimeWarning];

        using var log = WatchdogLog.Create(options.LogFormat);
        return await WatchdogHost.RunAsync(options, warnings, runtime.WithheldFromFunction, log.Logger, log.CallLines, () => log.DroppedLines).ConfigureAwait(false);
    }

    /// <summary>Go's flag package accepts both -name and --name.</summary>
    private static bool HasFlag(string[] args, string name) =>
        args.Any(arg => arg == "-" + name || arg == "--" + name);
}
