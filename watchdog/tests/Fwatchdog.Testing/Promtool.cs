using System.ComponentModel;

namespace Fwatchdog.Testing;

/// <summary>
/// Prometheus' own parser and linter for the text exposition format (<c>promtool check metrics</c>),
/// so the metrics are checked by the consumer that matters, not only by our reading of the format.
/// </summary>
public static class Promtool
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Runs <c>promtool check metrics</c> on <paramref name="exposition"/> (sent on stdin). Exit code 0
    /// means it passed; otherwise the output says which lines failed and why.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition, TimeSpan? timeout = null)
    {
        try
        {
            return await ToolProcess.RunAsync("promtool", ["check", "metrics"], timeout ?? DefaultTimeout, stdin: exposition)
                .ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "promtool is not installed: apt-get install -y prometheus (scripts/prerequisites.sh does this).", e);
        }
    }
}
