using System.Globalization;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The process_* series Prometheus client libraries export, read from /proc/self at scrape time.
/// </summary>
internal sealed class ProcessMetrics
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on every Linux ABI we ship for
    private readonly double _startTimeSeconds = ReadStartTimeSeconds();

    public void WriteTo(PrometheusTextWriter writer)
    {
        var stat = ReadStatFields();
        if (stat is not null)
        {
            var cpuTicks = long.Parse(stat[11], CultureInfo.InvariantCulture) + long.Parse(stat[12], CultureInfo.InvariantCulture);
            writer.Family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
            writer.Sample("process_cpu_seconds_total", "", cpuTicks / ClockTicksPerSecond);
            writer.Family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
            writer.Sample("process_virtual_memory_bytes", "", long.Parse(stat[20], CultureInfo.InvariantCulture));
            writer.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
            writer.Sample("process_resident_memory_bytes", "", long.Parse(stat[21], CultureInfo.InvariantCulture) * Environment.SystemPageSize);
        }

        writer.Family("process_open_fds", "gauge", "Number of open file descriptors.");
        writer.Sample("process_open_fds", "", CountOpenFds());

        if (_startTimeSeconds > 0)
        {
            writer.Family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
            writer.Sample("process_start_time_seconds", "", _startTimeSeconds);
        }
    }

    /// <summary>Fields of /proc/self/stat after the command name, so index 0 is field 3 ("state").</summary>
    private static string[]? ReadStatFields()
    {
        try
        {
            var text = File.ReadAllText("/proc/self/stat");
            var afterName = text.LastIndexOf(')');
            return text[(afterName + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long CountOpenFds()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount();
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double ReadStartTimeSeconds()
    {
        try
        {
            var stat = ReadStatFields();
            if (stat is null)
                return 0;
            var bootTime = File.ReadLines("/proc/stat").First(line => line.StartsWith("btime ", StringComparison.Ordinal));
            var bootSeconds = long.Parse(bootTime.AsSpan(6), CultureInfo.InvariantCulture);
            var startTicks = long.Parse(stat[19], CultureInfo.InvariantCulture);
            return bootSeconds + startTicks / ClockTicksPerSecond;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
