using Fwatchdog.Configuration;
using Fwatchdog.Tests.Support;

namespace Fwatchdog.Tests.Configuration;

public class FprocessTests
{
    [Fact]
    public void Missing_fprocess_is_a_configuration_error_naming_it()
    {
        var error = Assert.Throws<ConfigurationException>(() => FakeEnvironment.Reader().Read());

        Assert.Contains("fprocess", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Blank_fprocess_is_a_configuration_error_naming_it(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => FakeEnvironment.Reader(("fprocess", value)).Read());

        Assert.Contains("fprocess", error.Message);
    }

    [Theory]
    [InlineData("sh -c 'echo hi")]
    [InlineData("echo \"unterminated")]
    public void Bad_quoting_is_a_configuration_error_naming_fprocess(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => FakeEnvironment.Reader(("fprocess", value)).Read());

        Assert.Contains("fprocess", error.Message);
        Assert.Contains("quot", error.Message);
    }

    [Fact]
    public void Fprocess_is_split_into_program_and_arguments()
    {
        var (options, _) = FakeEnvironment.Read(("fprocess", "sh -c 'echo \"$Http_Method\"'"));

        Assert.Equal("sh -c 'echo \"$Http_Method\"'", options.FunctionProcess);
        Assert.Equal("sh", options.Command!.Program);
        Assert.Equal(["-c", "echo \"$Http_Method\""], options.Command!.Arguments);
    }

    [Fact]
    public void A_single_word_has_no_arguments()
    {
        var (options, _) = FakeEnvironment.Read(("fprocess", "cat"));

        Assert.Equal("cat", options.Command!.Program);
        Assert.Empty(options.Command!.Arguments);
    }
}
