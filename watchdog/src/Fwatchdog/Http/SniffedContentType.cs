using System.Buffers;
using Fwatchdog.Execution;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// classic mode's last word on Content-Type: an answer that still names none (no content_type, no
/// request Content-Type to echo, none from a CGI header block) gets the type Go's server would
/// sniff from its first 512 bytes, as the classic watchdog's answers do. The output is held whole
/// by then, so the window is read from the buffer before anything is sent. A configured
/// content_type that could not be sent (a control character) stays left out: Go would not have
/// sniffed over it either.
/// </summary>
internal static class SniffedContentType
{
    /// <param name="configured">content_type, when set.</param>
    /// <param name="bodyStart">Where the body starts in <paramref name="output"/> (after a CGI header block).</param>
    public static async ValueTask SetIfMissingAsync(HttpResponse response, string? configured, SpillBuffer output, long bodyStart, CancellationToken cancellationToken)
    {
        // Go sniffs only a body there is, and not one a Content-Encoding (from a CGI block) names.
        if (configured is not null || response.Headers.ContentType.Count > 0 || output.Length <= bodyStart ||
            !string.IsNullOrEmpty(response.Headers.ContentEncoding))
            return;
        var window = ArrayPool<byte>.Shared.Rent(ContentSniffer.SniffLength);
        try
        {
            var length = await output.CopyStartAsync(window.AsMemory(0, ContentSniffer.SniffLength), cancellationToken, bodyStart).ConfigureAwait(false);
            response.ContentType = ContentSniffer.Detect(window.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(window);
        }
    }
}
