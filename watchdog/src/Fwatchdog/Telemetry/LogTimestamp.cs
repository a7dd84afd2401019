using System.Globalization;
using System.Text;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The Go log's time, "2006/01/02 15:04:05" in local time, as text and as UTF-8. Thousands of lines
/// a second share one second, and custom date formatting was the largest single cost of a mode=http
/// log line, so the last second formatted is kept — swapped whole, so threads never see a torn pair.
/// </summary>
internal sealed class LogTimestamp
{
    public const int Length = 19;

    private Stamp _last = new(DateTime.MinValue.Ticks, "", []);

    public string Text(DateTime local) => Of(local).Text;

    public ReadOnlySpan<byte> Utf8(DateTime local) => Of(local).Utf8;

    private Stamp Of(DateTime local)
    {
        var second = local.Ticks / TimeSpan.TicksPerSecond;
        var last = Volatile.Read(ref _last);
        if (last.Second == second)
            return last;
        var text = local.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);
        var stamp = new Stamp(second, text, Encoding.ASCII.GetBytes(text));
        Volatile.Write(ref _last, stamp);
        return stamp;
    }

    private sealed record Stamp(long Second, string Text, byte[] Utf8);
}
