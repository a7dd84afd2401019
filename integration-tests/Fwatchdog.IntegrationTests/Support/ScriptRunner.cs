using System.Diagnostics;

namespace Fwatchdog.IntegrationTests.Support;

/// <summary>Runs one of the repository's shell scripts, bounded in time, failing with its output.</summary>
public static class ScriptRunner
{
    public static async Task RunAsync(string script, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash", [script])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start bash {script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // only the script this method started, by its own handle
            throw new TimeoutException($"{script} did not finish within {timeout}. Output:\n{await stdout}\n{await stderr}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} exited {process.ExitCode}. Output:\n{await stdout}\n{await stderr}");
    }
}
