using System.Text;
using Fwatchdog.Execution;

namespace Fwatchdog.Tests.Execution;

public sealed class LineSplitterTests : IDisposable
{
    private const int MaxLineBytes = 64 * 1024;
    private const string More = LineSplitter.ContinuedMarker;
    private readonly List<string> _lines = [];
    private readonly LineSplitter _splitter;

    public LineSplitterTests() => _splitter = new LineSplitter(MaxLineBytes, _lines.Add);

    public void Dispose() => _splitter.Dispose();

    private void Append(string text) => _splitter.Append(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Splits_on_newlines()
    {
        Append("one\ntwo\nthree\n");

        Assert.Equal(["one", "two", "three"], _lines);
    }

    [Fact]
    public void Joins_a_line_written_in_several_pieces()
    {
        Append("hel");
        Append("lo\nwor");
        Append("ld\n");

        Assert.Equal(["hello", "world"], _lines);
    }

    [Fact]
    public void Strips_carriage_returns_before_newlines()
    {
        Append("dos\r\nline\r");
        Append("\n");

        Assert.Equal(["dos", "line"], _lines);
    }

    [Fact]
    public void Keeps_a_partial_line_until_flushed()
    {
        Append("done\npartial");
        Assert.Equal(["done"], _lines);

        _splitter.Flush();

        Assert.Equal(["done", "partial"], _lines);
    }

    [Fact]
    public void Flush_with_nothing_pending_emits_nothing()
    {
        Append("complete\n");

        _splitter.Flush();

        Assert.Equal(["complete"], _lines);
    }

    [Fact]
    public void A_line_of_exactly_the_limit_is_one_line()
    {
        Append(new string('a', MaxLineBytes) + "\n");

        Assert.Equal([new string('a', MaxLineBytes)], _lines);
    }

    [Fact]
    public void Overlong_lines_are_emitted_in_marked_pieces_of_the_limit()
    {
        Append(new string('a', MaxLineBytes * 2 + 10) + "\nnext\n");

        Assert.Equal([new string('a', MaxLineBytes) + More, new string('a', MaxLineBytes) + More, new string('a', 10), "next"], _lines);
    }

    [Fact]
    public void Overlong_line_across_appends_is_cut_at_the_limit()
    {
        Append(new string('b', MaxLineBytes - 1));
        Append("cc");
        Append("d\n");

        Assert.Equal([new string('b', MaxLineBytes - 1) + "c" + More, "cd"], _lines);
    }

    [Fact]
    public void A_line_that_fills_the_limit_before_its_newline_arrives_is_one_line()
    {
        Append(new string('e', MaxLineBytes));
        Append("\n");

        Assert.Equal([new string('e', MaxLineBytes)], _lines);
    }

    [Fact]
    public void Nothing_of_an_overlong_line_is_lost()
    {
        var text = string.Concat(Enumerable.Range(0, 40_000).Select(i => (char)('a' + i % 26)));
        using var small = new LineSplitter(1000, _lines.Add);

        small.Append(Encoding.UTF8.GetBytes(text + "\n"));

        Assert.Equal(40, _lines.Count);
        Assert.All(_lines.SkipLast(1), piece => Assert.EndsWith(More, piece));
        Assert.Equal(text, string.Concat(_lines.Select(piece => piece.EndsWith(More) ? piece[..^More.Length] : piece)));
    }

    [Theory]
    [InlineData("é")]
    [InlineData("€")]
    [InlineData("😀")]
    public void Pieces_are_cut_between_characters_never_inside_one(string character)
    {
        using var small = new LineSplitter(10, _lines.Add);
        var text = "x" + string.Concat(Enumerable.Repeat(character, 10));

        small.Append(Encoding.UTF8.GetBytes(text + "\n"));

        Assert.DoesNotContain(_lines, piece => piece.Contains('\uFFFD'));
        Assert.All(_lines, piece => Assert.True(Encoding.UTF8.GetByteCount(piece.Replace(More, "")) <= 10));
        Assert.Equal(text, string.Concat(_lines).Replace(More, ""));
    }

    [Fact]
    public void A_limit_smaller_than_a_character_still_logs_every_byte()
    {
        using var tiny = new LineSplitter(1, _lines.Add);

        tiny.Append(Encoding.UTF8.GetBytes("ab\n"));

        Assert.Equal(["a" + More, "b"], _lines);
    }

    [Fact]
    public void Multibyte_characters_split_between_appends_are_decoded_whole()
    {
        var bytes = Encoding.UTF8.GetBytes("héllo\n");

        _splitter.Append(bytes.AsSpan(0, 2));
        _splitter.Append(bytes.AsSpan(2));

        Assert.Equal(["héllo"], _lines);
    }
}
