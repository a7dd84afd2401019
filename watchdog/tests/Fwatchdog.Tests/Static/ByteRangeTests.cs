using Fwatchdog.Static;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Fwatchdog.Tests.Static;

public class ByteRangeTests
{
    private static readonly EntityTagHeaderValue Tag = new("\"1-a\"");
    private static readonly DateTimeOffset Modified = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static (long Offset, long Count, int Status) Select(string? range, long length = 10, string method = "GET", string? ifRange = null)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = method;
        if (range is not null)
            request.Headers.Range = range;
        if (ifRange is not null)
            request.Headers.IfRange = ifRange;
        return ByteRange.Select(request, Tag, Modified, length);
    }

    [Theory]
    [InlineData("bytes=2-4", 2, 3)]
    [InlineData("bytes=7-", 7, 3)]
    [InlineData("bytes=-3", 7, 3)]
    [InlineData("bytes=-30", 0, 10)]
    [InlineData("bytes=5-99", 5, 5)]
    public void One_range_is_partial_content(string range, long offset, long count) =>
        Assert.Equal((offset, count, 206), Select(range));

    [Theory]
    [InlineData(null)]
    [InlineData("bytes=0-1,4-5")]
    [InlineData("lines=1-2")]
    [InlineData("bytes=x")]
    public void No_several_or_unparseable_ranges_get_the_whole_file(string? range) =>
        Assert.Equal((0L, 10L, 200), Select(range));

    [Fact]
    public void A_range_past_the_end_is_not_satisfiable() =>
        Assert.Equal(416, Select("bytes=10-").Status);

    [Fact]
    public void A_stale_if_range_or_a_head_gets_the_whole_file()
    {
        Assert.Equal(200, Select("bytes=2-4", ifRange: "\"other\"").Status);
        Assert.Equal(206, Select("bytes=2-4", ifRange: "\"1-a\"").Status);
        Assert.Equal(200, Select("bytes=2-4", method: "HEAD").Status);
    }
}
