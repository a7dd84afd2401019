using System.Text;
using Fwatchdog.Http;

namespace Fwatchdog.Proxy.Forwarding;

/// <summary>
/// The strings of a connection's response heads, kept from one answer to the next: a function's
/// server sends the same names and mostly the same values every time (Content-Type, Server, the Date
/// of this second), so each header line compares its bytes with the string the same line gave last
/// time and reuses it. Well-known names are shared constants. An answer like the last costs no
/// string at all; any other costs what SocketsHttpHandler paid for every one.
/// </summary>
internal sealed class HeaderStrings
{
    private const int Lines = 32;

    private static readonly string[] KnownNames =
    [
        "Content-Type", "Date", "Server", "Cache-Control", "Set-Cookie", "ETag", "Last-Modified", "Location", "Vary",
        "Content-Encoding", "Content-Disposition", "Content-Language", "Content-Range", "Accept-Ranges", "Age", "Expires",
        "Pragma", "X-Powered-By", "X-Content-Type-Options", "Access-Control-Allow-Origin", "Strict-Transport-Security",
        "WWW-Authenticate", "Retry-After", "Link", "Allow",
    ];

    private readonly string?[] _names = new string?[Lines];
    private readonly string?[] _values = new string?[Lines];
    private string _reason = "";

    /// <summary>A header name (a token: ASCII); well-known ones in their usual spelling.</summary>
    public string Name(ReadOnlySpan<byte> name, int line)
    {
        foreach (var known in KnownNames)
        {
            if (known.Length == name.Length && Ascii.EqualsIgnoreCase(name, known))
                return known;
        }
        if (line >= Lines)
            return Encoding.ASCII.GetString(name);
        if (_names[line] is { } last && Ascii.Equals(name, last))
            return last;
        return _names[line] = Encoding.ASCII.GetString(name);
    }

    /// <summary>A header value: UTF-8 when valid, else Latin-1 (as Kestrel reads request values), so bytes pass through.</summary>
    public string Value(ReadOnlySpan<byte> value, int line)
    {
        if (value.IsEmpty)
            return "";
        if (line >= Lines)
            return HeaderEncoding.Values.GetString(value);
        if (_values[line] is { } last && Ascii.Equals(value, last))
            return last;
        return _values[line] = HeaderEncoding.Values.GetString(value);
    }

    public string Reason(ReadOnlySpan<byte> reason)
    {
        if (reason.IsEmpty)
            return "";
        if (Ascii.Equals(reason, _reason))
            return _reason;
        return _reason = HeaderEncoding.Values.GetString(reason);
    }
}
