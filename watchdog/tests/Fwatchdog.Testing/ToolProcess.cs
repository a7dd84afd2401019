using System.Diagnostics;

namespace Fwatchdog.Testing;

/// <summary>
/// Runs a short-lived command line tool (promtool, a repository script) to completion within a
/// deadline and returns its exit code and output (stdout, then stderr). On timeout it kills the
/// process it started, and what that process started, by its own handle, and throws with the
/// output so far. A missing executable surfaces as <see cref="System.ComponentModel.Win32Exception"/>.
/// </summary>
public static class ToolProcess
{
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(5);

    /// <param name="stdin">Written to the tool's standard input, which is then closed (it is closed at once when null).</param>
    /// <param name="environment">Variables added to (or overriding) the test process's own environment.</param>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout,
        string? stdin = null, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (workingDirectory is not null)
            start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            try
            {
                if (stdin is not null)
                    await process.StandardInput.WriteAsync(stdin.AsMemory(), cts.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool exited without reading all of its input; its exit code and output say why.
            }
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // only what this method started
            throw new TimeoutException($"{file} did not finish within {timeout.TotalSeconds:0.#}s. Output so far:\n{await OutputSoFarAsync(stdout, stderr).ConfigureAwait(false)}");
        }
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    // After a kill the pipes close; a grandchild that escaped the tree could hold them open, so wait only briefly.
    private static async Task<string> OutputSoFarAsync(Task<string> stdout, Task<string> stderr)
    {
        try
        {
            await Task.WhenAll(stdout, stderr).WaitAsync(OutputGrace).ConfigureAwait(false);
            return stdout.Result + stderr.Result;
        }
        catch (TimeoutException)
        {
            return "(output still open after the kill)";
        }
    }
}
