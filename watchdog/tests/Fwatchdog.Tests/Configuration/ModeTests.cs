using Fwatchdog.Configuration;
using Fwatchdog.Tests.Support;

namespace Fwatchdog.Tests.Configuration;

public class ModeTests
{
    [Theory]
    [InlineData("classic", ExecutionMode.Classic)]
    [InlineData("serializing", ExecutionMode.Classic)]
    [InlineData("streaming", ExecutionMode.Streaming)]
    [InlineData("HTTP", ExecutionMode.Http)]
    public void Every_of_watchdog_mode_name_is_accepted(string value, ExecutionMode expected)
    {
        var (options, warnings) = FakeEnvironment.Read(("mode", value), ("upstream_url", "http://127.0.0.1:3000"));

        Assert.Empty(warnings);
        Assert.Equal(expected, options.Mode);
    }

    [Fact]
    public void An_unknown_mode_stops_start_up_listing_the_valid_ones()
    {
        var error = Assert.Throws<ConfigurationException>(() => FakeEnvironment.Read(("mode", "afterburn")));

        Assert.Contains("afterburn", error.Message);
        Assert.Contains("classic, streaming, serializing, http, static", error.Message);
    }

    [Fact]
    public void Http_mode_reads_upstream_url_and_its_settings()
    {
        var (options, _) = FakeEnvironment.Read(("mode", "http"), ("upstream_url", "http://127.0.0.1:3000"),
            ("http_buffer_req_body", "true"), ("ready_path", "healthz"));

        Assert.Equal(new Uri("http://127.0.0.1:3000"), options.UpstreamUrl);
        Assert.True(options.BufferRequestBody);
        Assert.Equal("/healthz", options.ReadyPath);
    }

    [Fact]
    public void Of_watchdog_aliases_are_read_and_win_over_the_main_names_as_in_the_of_watchdog()
    {
        var aliased = FakeEnvironment.Reader(("mode", "http"), ("function_process", "node index.js"),
            ("http_upstream_url", "http://127.0.0.1:3000"), ("buffer_http", "true")).Read();
        var both = FakeEnvironment.Reader(("mode", "http"), ("fprocess", "main"), ("function_process", "alias"),
            ("upstream_url", "http://127.0.0.1:1"), ("http_upstream_url", "http://127.0.0.1:2")).Read();

        Assert.Equal("node", aliased.Command!.Program);
        Assert.Equal(new Uri("http://127.0.0.1:3000"), aliased.UpstreamUrl);
        Assert.True(aliased.BufferRequestBody);
        Assert.Equal("alias", both.Command!.Program);
        Assert.Equal(2, both.UpstreamUrl!.Port);
        var classic = FakeEnvironment.Reader(("fprocess", "main"), ("function_process", "alias")).Read();
        Assert.Equal("main", classic.Command!.Program); // the classic watchdog knows no alias
    }

    [Theory]
    [InlineData(null)]
    [InlineData("127.0.0.1:3000")]
    [InlineData("https://127.0.0.1:3000")]
    public void Http_mode_without_a_plain_http_upstream_url_stops_start_up_naming_it(string? url)
    {
        var variables = url is null ? new[] { ("mode", "http") } : [("mode", "http"), ("upstream_url", url)];

        var error = Assert.Throws<ConfigurationException>(() => FakeEnvironment.Read(variables));

        Assert.Contains("upstream_url", error.Message);
        Assert.Contains("http://127.0.0.1:3000", error.Message);
    }

    [Fact]
    public void Static_mode_needs_static_path_but_no_fprocess()
    {
        using var directory = new Fwatchdog.Testing.TempDirectory("static");

        var missing = Assert.Throws<ConfigurationException>(() => FakeEnvironment.Reader(("mode", "static")).Read());
        var options = FakeEnvironment.Reader(("mode", "static"), ("static_path", directory.Path)).Read();

        Assert.Contains("static_path", missing.Message);
        Assert.Null(options.Command);
        Assert.Equal(directory.Path, options.StaticPath);
    }
}
