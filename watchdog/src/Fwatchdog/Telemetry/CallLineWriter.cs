using System.Globalization;
using System.Text;

namespace Fwatchdog.Telemetry;

/// <summary>
/// mode=http's call line — the one line every proxied call logs — written in the text format
/// straight into the stdout batch: no LogEvent, no boxed numbers, no template walked, no string
/// built. Byte for byte what <see cref="TextLogFormatter"/> makes of <see cref="RequestLog.Forwarded"/>
/// through Serilog (the tests hold the two paths to each other); the JSON format keeps Serilog's.
/// Through Serilog the line cost about 2 µs and 2 KB per call, a twentieth of the proxy hop.
/// </summary>
public sealed class CallLineWriter
{
    /// <summary>A line's buffer past this is dropped after it, as <see cref="StdoutLogSink"/> drops its long ones.</summary>
    private const int KeptBytes = 4096;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly BatchedOutput _output;
    private readonly LogTimestamp _time = new();

    internal CallLineWriter(BatchedOutput output) => _output = output;

    [ThreadStatic]
    private static byte[]? t_line;

    /// <param name="withCallId">log_callid: the call id in the of-watchdog's " [id]" form, in place of the " call_id=" suffix.</param>
    public void Forwarded(string method, in ForwardedLine line, double seconds, string callId, bool withCallId)
    {
        var buffer = t_line ??= new byte[512];
        var needed = MaxLength(method, line, callId);
        if (buffer.Length < needed)
            buffer = new byte[needed];
        var written = Format(buffer, method, line, seconds, callId, withCallId && !line.ReverseProxyForm);
        _output.Append(buffer.AsSpan(0, written));
        t_line = buffer.Length <= KeptBytes ? buffer : null;
    }

    /// <summary>"2006/01/02 15:04:05 GET /x - 200 OK - ContentLength: 57B (0.0011s) call_id=…\n", or the ReverseProxy form "… - 200 - Bytes: 1.2kB (…)".</summary>
    private int Format(Span<byte> buffer, string method, in ForwardedLine line, double seconds, string callId, bool bracketedId)
    {
        var at = 0;
        Put(buffer, ref at, _time.Utf8(DateTime.Now));
        Put(buffer, ref at, " "u8);
        Put(buffer, ref at, method);
        Put(buffer, ref at, " "u8);
        Put(buffer, ref at, line.RequestUri);
        Put(buffer, ref at, " - "u8);
        long size;
        if (line.ReverseProxyForm)
        {
            line.Status.TryFormat(buffer[at..], out var digits, provider: CultureInfo.InvariantCulture);
            at += digits;
            Put(buffer, ref at, " - Bytes: "u8);
            size = line.BytesSent;
        }
        else
        {
            Put(buffer, ref at, line.StatusText);
            Put(buffer, ref at, " - ContentLength: "u8);
            size = line.ContentLength;
        }
        Span<char> human = stackalloc char[GoHumanSize.MaxLength];
        at += Utf8.GetBytes(human[..GoHumanSize.Format(size, human)], buffer[at..]);
        Put(buffer, ref at, " ("u8);
        seconds.TryFormat(buffer[at..], out var secondDigits, "F4", CultureInfo.InvariantCulture);
        at += secondDigits;
        if (bracketedId)
        {
            Put(buffer, ref at, "s) ["u8);
            Put(buffer, ref at, callId);
            Put(buffer, ref at, "]\n"u8);
        }
        else
        {
            Put(buffer, ref at, "s) call_id="u8);
            Put(buffer, ref at, callId);
            Put(buffer, ref at, "\n"u8);
        }
        return at;
    }

    /// <summary>Room for the longest line these values make: strings at 3 UTF-8 bytes a char, numbers at their widest.</summary>
    private static int MaxLength(string method, in ForwardedLine line, string callId) =>
        LogTimestamp.Length + 64 + 2 * GoHumanSize.MaxLength + 3 * (method.Length + line.RequestUri.Length + line.StatusText.Length + callId.Length)
        + 350; // a double's widest "F4" (1.7976931348623157E+308 written out) and a status code

    private static void Put(Span<byte> buffer, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer[at..]);
        at += bytes.Length;
    }

    private static void Put(Span<byte> buffer, ref int at, string text) => at += Utf8.GetBytes(text, buffer[at..]);
}
