using System.Text;
using Fwatchdog.Execution;

namespace Fwatchdog.Tests.Execution;

public class LineSplitterTests
{
    private const int MaxLineBytes = 16 * 1024;
    private readonly List<string> _lines = [];
    private readonly LineSplitter _splitter;

    public LineSplitterTests() => _splitter = new LineSplitter(_lines.Add);

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
    public void Overlong_lines_are_emitted_in_pieces_of_the_limit()
    {
        Append(new string('a', MaxLineBytes * 2 + 10) + "\nnext\n");

        Assert.Equal([new string('a', MaxLineBytes), new string('a', MaxLineBytes), new string('a', 10), "next"], _lines);
    }

    [Fact]
    public void Overlong_line_across_appends_is_cut_at_the_limit()
    {
        Append(new string('b', MaxLineBytes - 1));
        Append("cc");
        Append("d\n");

        Assert.Equal([new string('b', MaxLineBytes - 1) + "c", "cd"], _lines);
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
