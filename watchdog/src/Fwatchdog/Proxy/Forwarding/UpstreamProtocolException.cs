namespace Fwatchdog.Proxy.Forwarding;

/// <summary>What the function's server did wrong on the wire: one value per fault.</summary>
internal enum UpstreamFault : byte
{
    /// <summary>It closed the connection before a whole response head arrived.</summary>
    ClosedBeforeAnswer = 1,
    /// <summary>It closed the connection before the body its head announced had arrived.</summary>
    ClosedMidBody,
    /// <summary>The status line is not <c>HTTP/1.x NNN reason</c>.</summary>
    InvalidStatusLine,
    /// <summary>A header line is not <c>name: value</c> (no name, a space before the colon, a folded line, a bare CR).</summary>
    InvalidHeader,
    /// <summary>A header value holds a control character (Kestrel could not send it on).</summary>
    ControlCharacter,
    /// <summary>The response head is longer than <see cref="ResponseHeadParser.MaxHeadBytes"/>.</summary>
    HeadTooLarge,
    /// <summary>Content-Length is not one unsigned decimal number (or its copies disagree).</summary>
    InvalidContentLength,
    /// <summary>A Transfer-Encoding other than one <c>chunked</c>, which is all Go's client accepts too.</summary>
    UnsupportedTransferEncoding,
    /// <summary>The chunked framing is broken: a size that is not hex or overflows, data not followed by CRLF, an oversized line.</summary>
    InvalidChunk,
    /// <summary>A 101 to a request that asked for no upgrade, or more interim (1xx) answers than any server sends.</summary>
    UnexpectedInterim,
}

/// <summary>
/// The function's server broke HTTP/1.1: the forward is answered 502 (or cut, once the status went
/// out) with this message, which names the fault, and the connection is never reused.
/// </summary>
internal sealed class UpstreamProtocolException(UpstreamFault fault, string message) : IOException(message)
{
    public UpstreamFault Fault { get; } = fault;

    public static UpstreamProtocolException Invalid(UpstreamFault fault, string detail) =>
        new(fault, $"the function's server sent an invalid HTTP response: {detail}");
}
