using System.Globalization;
using Fwatchdog.Testing;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// A file a function's shell appends its own and its children's PIDs to, so a test can check
/// that every one of them ends, even after they were reparented away from the watchdog.
/// </summary>
internal sealed class PidFile : IDisposable
{
    private readonly TempDirectory _dir = new("pids");

    public string Path => _dir.File("pids");

    public IReadOnlyList<int> Read()
    {
        try
        {
            return File.ReadAllLines(Path).Where(l => l.Length > 0)
                .Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        }
        catch (FileNotFoundException) { return []; }
    }

    /// <summary>Waits until the function has recorded <paramref name="count"/> PIDs.</summary>
    public async Task<IReadOnlyList<int>> WaitForAsync(int count, TimeSpan timeout)
    {
        if (!await Eventually.TrueWithinAsync(() => Read().Count >= count, timeout))
            throw new TimeoutException($"Only {Read().Count} of {count} PIDs recorded in {Path}");
        return Read();
    }

    /// <summary>PIDs from the list still running (zombies count as ended: they have exited).</summary>
    public static IReadOnlyList<string> Survivors(IEnumerable<int> pids) =>
        pids.Where(ProcFs.IsRunning).Select(p => $"{p} ({ProcFs.CommandLine(p)})").ToList();

    public void Dispose() => _dir.Dispose();
}
