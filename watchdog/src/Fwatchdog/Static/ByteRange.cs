using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Fwatchdog.Static;

/// <summary>
/// Which bytes of a file a GET asks for: one range ("bytes=0-99", "bytes=100-", "bytes=-100") is
/// served as 206; several ranges, a stale If-Range or an unparseable Range get the whole file
/// (200), as RFC 9110 allows; a range wholly past the end is 416.
/// </summary>
internal static class ByteRange
{
    public static (long Offset, long Count, int Status) Select(HttpRequest request, EntityTagHeaderValue etag, DateTimeOffset lastModified, long length)
    {
        var whole = (0L, length, StatusCodes.Status200OK);
        var header = request.Headers.Range;
        if (header.Count != 1 || !HttpMethods.IsGet(request.Method) || !IfRangeHolds(request, etag, lastModified))
            return whole;
        if (!RangeHeaderValue.TryParse(header[0], out var range) || range.Unit != "bytes" || range.Ranges.Count != 1)
            return whole;

        var only = range.Ranges.First();
        long first, last;
        if (only.From is { } from)
        {
            if (from >= length)
                return (0, 0, StatusCodes.Status416RangeNotSatisfiable);
            first = from;
            last = only.To is { } to && to < length ? to : length - 1;
        }
        else if (only.To is { } suffix && suffix > 0)
        {
            if (length == 0)
                return (0, 0, StatusCodes.Status416RangeNotSatisfiable);
            first = Math.Max(0, length - suffix);
            last = length - 1;
        }
        else
        {
            return (0, 0, StatusCodes.Status416RangeNotSatisfiable);
        }
        return (first, last - first + 1, StatusCodes.Status206PartialContent);
    }

    private static bool IfRangeHolds(HttpRequest request, EntityTagHeaderValue etag, DateTimeOffset lastModified)
    {
        var ifRange = request.GetTypedHeaders().IfRange;
        if (ifRange is null)
            return true;
        if (ifRange.EntityTag is { } tag)
            return tag.Compare(etag, useStrongComparison: true);
        return ifRange.LastModified is { } date && date >= lastModified;
    }
}
