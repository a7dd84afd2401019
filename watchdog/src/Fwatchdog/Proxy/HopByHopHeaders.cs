using Microsoft.Extensions.Primitives;

namespace Fwatchdog.Proxy;

/// <summary>
/// Headers that describe one connection, not the message (RFC 9110 §7.6.1), and so are never
/// forwarded in either direction; plus any header a Connection header names.
/// </summary>
internal static class HopByHopHeaders
{
    public static bool Contains(string name) => name.Length switch
    {
        2 => Is(name, "TE"),
        7 => Is(name, "Trailer") || Is(name, "Upgrade"),
        10 => Is(name, "Connection") || Is(name, "Keep-Alive"),
        16 => Is(name, "Proxy-Connection"),
        17 => Is(name, "Transfer-Encoding"),
        18 => Is(name, "Proxy-Authenticate"),
        19 => Is(name, "Proxy-Authorization"),
        _ => false,
    };

    /// <summary>True when the Connection header lists <paramref name="name"/> (rare: checked only when one is present).</summary>
    public static bool NamedBy(StringValues connection, string name)
    {
        foreach (var value in connection)
        {
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (Is(token, name))
                    return true;
            }
        }
        return false;
    }

    private static bool Is(string name, string header) => string.Equals(name, header, StringComparison.OrdinalIgnoreCase);
}
