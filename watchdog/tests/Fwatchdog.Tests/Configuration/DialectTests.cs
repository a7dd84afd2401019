using Fwatchdog.Configuration;
using Fwatchdog.Tests.Support;

namespace Fwatchdog.Tests.Configuration;

/// <summary>An image that sets an of-watchdog mode reads its settings as the of-watchdog does; every other image as before.</summary>
public class DialectTests
{
    private static readonly (string, string)[] Upstream = [("upstream_url", "http://127.0.0.1:3000")];

    [Theory]
    [InlineData(null, SettingsDialect.ClassicWatchdog)]
    [InlineData("classic", SettingsDialect.ClassicWatchdog)]
    [InlineData("CLASSIC", SettingsDialect.ClassicWatchdog)]
    [InlineData("streaming", SettingsDialect.OfWatchdog)]
    [InlineData("serializing", SettingsDialect.OfWatchdog)]
    [InlineData("http", SettingsDialect.OfWatchdog)]
    public void The_mode_variable_says_which_Go_watchdog_the_image_was_written_for(string? mode, SettingsDialect dialect)
    {
        var (options, _) = FakeEnvironment.Read(mode is null ? [.. Upstream] : [("mode", mode), .. Upstream]);

        Assert.Equal(dialect, options.Dialect);
    }

    [Theory]
    [InlineData("streaming")]
    [InlineData("serializing")]
    public void Of_watchdog_fork_modes_default_to_its_timeout_content_type_and_logged_stderr(string mode)
    {
        var (options, warnings) = FakeEnvironment.Read(("mode", mode));

        Assert.Empty(warnings);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ExecTimeout);
        Assert.Equal("application/octet-stream", options.ContentType);
        Assert.False(options.CombineOutput);
    }

    [Fact]
    public void Mode_http_defaults_exec_timeout_to_30s_and_keeps_echoing_no_content_type()
    {
        var (options, _) = FakeEnvironment.Read([("mode", "http"), .. Upstream]);

        Assert.Equal(TimeSpan.FromSeconds(30), options.ExecTimeout);
        Assert.Null(options.ContentType);
    }

    [Fact]
    public void An_image_without_mode_keeps_the_classic_defaults_exactly()
    {
        var (options, _) = FakeEnvironment.Read();

        Assert.Equal(TimeSpan.Zero, options.ExecTimeout);
        Assert.Null(options.ContentType);
        Assert.True(options.CombineOutput);
    }

    [Fact]
    public void Values_set_explicitly_win_over_either_dialects_defaults()
    {
        var (options, _) = FakeEnvironment.Read(("mode", "streaming"), ("exec_timeout", "0"), ("content_type", "text/plain"), ("combine_output", "true"));

        Assert.Equal(TimeSpan.Zero, options.ExecTimeout);
        Assert.Equal("text/plain", options.ContentType);
        Assert.True(options.CombineOutput);
    }

    [Theory]
    [InlineData("suppress_lock")]
    [InlineData("http_buffer_req_body")]
    [InlineData("buffer_http")]
    public void One_is_true_for_the_of_watchdog_and_false_for_the_classic_watchdog(string variable)
    {
        var (ofWatchdog, ofWarnings) = FakeEnvironment.Read([("mode", "http"), (variable, "1"), .. Upstream]);
        var (classic, classicWarnings) = FakeEnvironment.Read((variable, "1"));

        Assert.True(variable == "suppress_lock" ? ofWatchdog.SuppressLock : ofWatchdog.BufferRequestBody);
        Assert.Empty(ofWarnings);
        Assert.False(variable == "suppress_lock" ? classic.SuppressLock : classic.BufferRequestBody);
        Assert.Contains(classicWarnings, w => w.Contains($"{variable}=\"1\""));
    }

    [Fact]
    public void Log_buffer_size_minus_one_is_no_limit_taken_as_the_largest_allowed()
    {
        var (options, warnings) = FakeEnvironment.Read(("mode", "streaming"), ("log_buffer_size", "-1"));

        Assert.Empty(warnings);
        Assert.Equal(16 * 1024 * 1024, options.LogBufferSize);
    }
}
