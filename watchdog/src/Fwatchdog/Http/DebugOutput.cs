using Fwatchdog.Execution;
using Fwatchdog.Telemetry;

namespace Fwatchdog.Http;

/// <summary>
/// write_debug=true in classic mode: the function's output goes to the log as the Go classic
/// watchdog writes it. After a successful call, the output itself, line by line and as it is (Go
/// copies it to its own stdout), then "Duration: …s" in place of "Wrote N Bytes - …"; after a
/// failed call, "Success=false, Error=exit status 1" and the output after "Out=".
/// </summary>
internal static class DebugOutput
{
    /// <summary>After a successful call: the output, line by line; the finisher's "Duration" line follows.</summary>
    public static Task LogOutputAsync(RequestLog log, SpillBuffer output, int maxLineBytes) => ReplayAsync(output, maxLineBytes, log.Verbatim);

    public static async Task LogFailureAsync(RequestLog log, string error, SpillBuffer output, int maxLineBytes)
    {
        log.DebugFailure(error);
        var first = true;
        await ReplayAsync(output, maxLineBytes, line =>
        {
            if (first)
                log.DebugOutput(line);
            else
                log.Verbatim(line);
            first = false;
        }).ConfigureAwait(false);
        if (first)
            log.DebugOutput(""); // Go writes "Out=" for an empty output too
    }

    private static async Task ReplayAsync(SpillBuffer output, int maxLineBytes, Action<string> line)
    {
        // The client has its answer already; reading back our own buffer or spill file is not
        // something a client can stall, so there is nothing to cancel.
        using var lines = new LogLineStream(maxLineBytes, line);
        await output.ReplayToAsync(lines, CancellationToken.None).ConfigureAwait(false);
    }
}
