using Fwatchdog.Configuration;

namespace Fwatchdog.Tests.Configuration;

public class WordSplitterTests
{
    [Theory]
    [InlineData("cat", new[] { "cat" })]
    [InlineData("node index.js", new[] { "node", "index.js" })]
    [InlineData("  python3   -u  handler.py  ", new[] { "python3", "-u", "handler.py" })]
    [InlineData("a\tb\nc", new[] { "a", "b", "c" })]
    public void Splits_on_runs_of_whitespace(string text, string[] expected)
    {
        Assert.Equal(expected, WordSplitter.Split(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Nothing_but_whitespace_gives_no_words(string text)
    {
        Assert.Empty(WordSplitter.Split(text));
    }

    [Fact]
    public void Single_quotes_keep_everything_literal()
    {
        Assert.Equal(["echo", "a  b \"c\" \\n $X"], WordSplitter.Split("echo 'a  b \"c\" \\n $X'"));
    }

    [Fact]
    public void Double_quotes_keep_spaces_and_single_quotes()
    {
        Assert.Equal(["echo", "it's  here"], WordSplitter.Split("echo \"it's  here\""));
    }

    [Fact]
    public void Backslash_in_double_quotes_escapes_only_shell_specials()
    {
        Assert.Equal(["a\"b\\c$d`e\\n"], WordSplitter.Split("\"a\\\"b\\\\c\\$d\\`e\\n\""));
    }

    [Fact]
    public void Backslash_outside_quotes_escapes_the_next_character()
    {
        Assert.Equal(["a b", "'q'", "\"d\""], WordSplitter.Split("a\\ b \\'q\\' \\\"d\\\""));
    }

    [Fact]
    public void Shell_command_with_nested_quotes_stays_one_argument()
    {
        Assert.Equal(["sh", "-c", "echo \"$Http_Method\""], WordSplitter.Split("sh -c 'echo \"$Http_Method\"'"));
    }

    [Fact]
    public void Arguments_with_equals_signs_are_not_split()
    {
        Assert.Equal(["env", "A=1", "--flag=x=y", "B=two words"], WordSplitter.Split("env A=1 --flag=x=y B=\"two words\""));
    }

    [Fact]
    public void Adjacent_quoted_and_bare_parts_join_into_one_word()
    {
        Assert.Equal(["abcde"], WordSplitter.Split("a'b'\"c\"d\\e"));
    }

    [Fact]
    public void Empty_quotes_are_an_empty_argument()
    {
        Assert.Equal(["printf", "", "x"], WordSplitter.Split("printf '' x"));
    }

    [Theory]
    [InlineData("sh -c 'echo")]
    [InlineData("echo \"abc")]
    [InlineData("echo \"abc\\\"")]
    [InlineData("'")]
    public void Unterminated_quotes_are_a_format_error(string text)
    {
        var error = Assert.Throws<FormatException>(() => WordSplitter.Split(text));

        Assert.Contains("unterminated", error.Message);
    }
}
