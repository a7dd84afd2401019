using Fwatchdog.Configuration;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// The X-Timeout request header, in every mode but static: a Go duration or bare seconds that shortens
/// exec_timeout for one call (and sets a limit when there is none). Unlike the of-watchdog, a value
/// that is 0 or negative is ignored rather than turning the limit off, and a longer one never extends it.
/// </summary>
public static class RequestTimeout
{
    /// <summary><paramref name="execTimeout"/>, shortened (never lengthened) by a valid, positive X-Timeout header.</summary>
    public static TimeSpan Effective(TimeSpan execTimeout, IHeaderDictionary headers)
    {
        var header = headers["X-Timeout"];
        if (header.Count > 0 && GoDuration.TryParseTimeout(header[0], out var requested, out _) && requested > TimeSpan.Zero
            && (execTimeout == TimeSpan.Zero || requested < execTimeout))
            return requested;
        return execTimeout;
    }
}
