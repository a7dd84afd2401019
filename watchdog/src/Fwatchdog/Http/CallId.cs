using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>The gateway's X-Call-Id, or one we make up so every request's log lines still correlate.</summary>
public static class CallId
{
    public const string Header = "X-Call-Id";
    public const string StartTimeHeader = "X-Start-Time";

    /// <returns>The id, and whether we generated it (then the function must be told about it explicitly).</returns>
    public static (string Id, bool Generated) From(HttpRequest request)
    {
        var value = request.Headers[Header];
        if (value.Count > 0 && !string.IsNullOrEmpty(value[0]))
            return (value[0]!, false);
        return (Guid.NewGuid().ToString(), true);
    }
}
