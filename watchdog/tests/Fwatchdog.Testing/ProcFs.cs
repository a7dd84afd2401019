using System.Globalization;

namespace Fwatchdog.Testing;

/// <summary>One row of the process table as seen from this PID namespace.</summary>
/// <param name="State">The one-letter state from /proc/&lt;pid&gt;/stat; 'Z' is a zombie.</param>
public sealed record ProcInfo(int Pid, int ParentPid, char State, string Name)
{
    public bool IsZombie => State == 'Z';
}

/// <summary>Resident memory of a process, from /proc/&lt;pid&gt;/status.</summary>
/// <param name="RssBytes">VmRSS: resident now.</param>
/// <param name="PeakRssBytes">VmHWM: the kernel-tracked peak resident size.</param>
public sealed record MemoryUsage(long RssBytes, long PeakRssBytes);

/// <summary>
/// Reads /proc directly: process tree, zombies and memory. Processes may exit between listing
/// and reading, so every read tolerates a vanished entry.
/// </summary>
public static class ProcFs
{
    public static IReadOnlyList<ProcInfo> Snapshot()
    {
        var result = new List<ProcInfo>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(System.IO.Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryRead(pid) is { } info)
                result.Add(info);
        }
        return result;
    }

    public static ProcInfo? TryRead(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }

        // "pid (comm) S ppid ..." where comm may itself contain spaces and parentheses.
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
            return null;
        var rest = stat[(close + 2)..].Split(' ');
        return new ProcInfo(pid, int.Parse(rest[1], CultureInfo.InvariantCulture), rest[0][0], stat[(open + 1)..close]);
    }

    /// <summary>True while the process exists and has not exited (a zombie counts as exited).</summary>
    public static bool IsRunning(int pid) => TryRead(pid) is { IsZombie: false };

    /// <summary>Every process below <paramref name="pid"/> (children, grandchildren, ...), zombies included.</summary>
    public static IReadOnlyList<ProcInfo> Descendants(int pid)
    {
        var byParent = Snapshot().ToLookup(p => p.ParentPid);
        var found = new List<ProcInfo>();
        var pending = new Queue<int>();
        pending.Enqueue(pid);
        while (pending.Count > 0)
        {
            foreach (var child in byParent[pending.Dequeue()])
            {
                found.Add(child);
                pending.Enqueue(child.Pid);
            }
        }
        return found;
    }

    /// <summary>The command line with NULs turned into spaces; empty for zombies and kernel threads.</summary>
    public static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd(); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    /// <summary>The process's name as ps shows it (the executed file's name, at most 15 bytes).</summary>
    public static string Name(int pid) => File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');

    /// <summary>The process's environment as "NAME=value" entries: what it was started (or last re-executed) with.</summary>
    public static IReadOnlyList<string> Environment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>How many of the process's fds are pipes (fds opened and closed per function call).</summary>
    public static int OpenPipes(int pid)
    {
        var pipes = 0;
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.StartsWith("pipe:", StringComparison.Ordinal) == true)
                    pipes++;
            }
            catch (IOException)
            {
                // closed between listing and reading the link: not open any more
            }
        }
        return pipes;
    }

    public static MemoryUsage? Memory(int pid)
    {
        string[] lines;
        try { lines = File.ReadAllLines($"/proc/{pid}/status"); }
        catch (IOException) { return null; }
        long? rss = null, hwm = null;
        foreach (var line in lines)
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kibibytes(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kibibytes(line);
        }
        return rss is { } r && hwm is { } h ? new MemoryUsage(r, h) : null;
    }

    // "VmRSS:\t   12345 kB"
    private static long Kibibytes(string line) =>
        1024 * long.Parse(line.Split(' ', '\t').Where(s => s.Length > 0).ElementAt(1), CultureInfo.InvariantCulture);
}
