using System.Buffers;
using Codec = System.Buffers.Text.Base64Url;

namespace Fwatchdog.Authentication;

/// <summary>
/// The unpadded URL-safe base64 of JOSE (RFC 7515 §2, appendix C). Padding, the standard alphabet's
/// '+' and '/', and whitespace are refused rather than tolerated: a token has one spelling.
/// </summary>
internal static class Base64Url
{
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1)
            return false;
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
                return false;
        }
        var decoded = new byte[Codec.GetMaxDecodedLength(text.Length)];
        if (Codec.DecodeFromChars(text, decoded, out _, out var written) != OperationStatus.Done)
            return false;
        bytes = written == decoded.Length ? decoded : decoded.AsSpan(0, written).ToArray();
        return true;
    }
}
