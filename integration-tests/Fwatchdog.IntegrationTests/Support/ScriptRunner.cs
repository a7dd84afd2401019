using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests.Support;

/// <summary>Runs one of the repository's shell scripts, bounded in time, failing with its output.</summary>
public static class ScriptRunner
{
    public static async Task RunAsync(string script, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? arguments = null)
    {
        var (exitCode, output) = await ToolProcess.RunAsync("bash", [script, .. arguments ?? []], timeout,
            workingDirectory: RepositoryPaths.Root, environment: environment);
        if (exitCode != 0)
            throw new InvalidOperationException($"{script} exited {exitCode}. Output:\n{output}");
    }
}
