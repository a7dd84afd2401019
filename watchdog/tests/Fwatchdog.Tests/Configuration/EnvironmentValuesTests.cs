using Fwatchdog.Configuration;
using Fwatchdog.Tests.Support;

namespace Fwatchdog.Tests.Configuration;

public class EnvironmentValuesTests
{
    [Theory]
    [InlineData("read_timeout", "10", 10_000)]
    [InlineData("read_timeout", "500ms", 500)]
    [InlineData("write_timeout", "1m30s", 90_000)]
    [InlineData("exec_timeout", "0", 0)]
    [InlineData("exec_timeout", "2s", 2_000)]
    [InlineData("healthcheck_interval", "5", 5_000)]
    [InlineData("kill_grace", "250ms", 250)]
    public void Durations_accept_bare_seconds_and_Go_syntax(string variable, string value, int expectedMilliseconds)
    {
        var (options, warnings) = FakeEnvironment.Read((variable, value));

        Assert.Empty(warnings);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), DurationOf(options, variable));
    }

    [Theory]
    [InlineData("read_timeout", "10x", 30_000)]
    [InlineData("write_timeout", "-1s", 30_000)]
    [InlineData("exec_timeout", "soon", 0)]
    [InlineData("kill_grace", "1.5", 1_000)]
    public void Invalid_durations_fall_back_with_a_warning_naming_the_variable(string variable, string value, int defaultMilliseconds)
    {
        var (options, warnings) = FakeEnvironment.Read((variable, value));

        Assert.Equal(TimeSpan.FromMilliseconds(defaultMilliseconds), DurationOf(options, variable));
        var warning = Assert.Single(warnings);
        Assert.Contains(variable, warning);
        Assert.Contains(value, warning);
    }

    [Fact]
    public void Bare_seconds_too_large_for_a_TimeSpan_fall_back_with_a_warning()
    {
        var (options, warnings) = FakeEnvironment.Read(("read_timeout", "99999999999999"));

        Assert.Equal(TimeSpan.FromSeconds(30), options.ReadTimeout);
        Assert.Contains("read_timeout", Assert.Single(warnings));
    }

    [Fact]
    public void Healthcheck_interval_defaults_to_write_timeout()
    {
        var (options, _) = FakeEnvironment.Read(("write_timeout", "7s"));

        Assert.Equal(TimeSpan.FromSeconds(7), options.HealthcheckInterval);
    }

    [Fact]
    public void Healthcheck_interval_set_explicitly_wins_over_write_timeout()
    {
        var (options, _) = FakeEnvironment.Read(("write_timeout", "7s"), ("healthcheck_interval", "2s"));

        Assert.Equal(TimeSpan.FromSeconds(2), options.HealthcheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(7), options.WriteTimeout);
    }

    [Fact]
    public void Invalid_healthcheck_interval_falls_back_to_write_timeout()
    {
        var (options, warnings) = FakeEnvironment.Read(("write_timeout", "7s"), ("healthcheck_interval", "often"));

        Assert.Equal(TimeSpan.FromSeconds(7), options.HealthcheckInterval);
        Assert.Contains("healthcheck_interval", Assert.Single(warnings));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Booleans_read_true_and_false(string value, bool expected)
    {
        var (options, warnings) = FakeEnvironment.Read(("marshal_request", value), ("cgi_headers", value), ("suppress_lock", value));

        Assert.Empty(warnings);
        Assert.Equal(expected, options.MarshalRequest);
        Assert.Equal(expected, options.CgiHeaders);
        Assert.Equal(expected, options.SuppressLock);
    }

    [Theory]
    [InlineData("TRUE")]
    [InlineData("1")]
    [InlineData("yes")]
    [InlineData("False")]
    public void Other_boolean_spellings_fall_back_with_a_warning(string value)
    {
        var (options, warnings) = FakeEnvironment.Read(("combine_output", value));

        Assert.True(options.CombineOutput);
        var warning = Assert.Single(warnings);
        Assert.Contains("combine_output", warning);
        Assert.Contains(value, warning);
    }

    [Theory]
    [InlineData("json", LogFormat.Json)]
    [InlineData("text", LogFormat.Text)]
    [InlineData("JSON", LogFormat.Json)]
    public void Log_format_accepts_text_and_json(string value, LogFormat expected)
    {
        var (options, warnings) = FakeEnvironment.Read(("log_format", value));

        Assert.Empty(warnings);
        Assert.Equal(expected, options.LogFormat);
    }

    [Theory]
    [InlineData("streaming", ExecutionMode.Streaming)]
    [InlineData("classic", ExecutionMode.Classic)]
    public void Mode_accepts_classic_and_streaming(string value, ExecutionMode expected)
    {
        var (options, warnings) = FakeEnvironment.Read(("mode", value));

        Assert.Empty(warnings);
        Assert.Equal(expected, options.Mode);
    }

    [Theory]
    [InlineData("log_format", "xml")]
    public void Unknown_choices_fall_back_with_a_warning(string variable, string value)
    {
        var (options, warnings) = FakeEnvironment.Read((variable, value));

        Assert.Equal(LogFormat.Text, options.LogFormat);
        Assert.Equal(ExecutionMode.Classic, options.Mode);
        var warning = Assert.Single(warnings);
        Assert.Contains(variable, warning);
        Assert.Contains(value, warning);
    }

    [Fact]
    public void Numbers_are_read()
    {
        var (options, warnings) = FakeEnvironment.Read(
            ("port", "9000"), ("metrics_port", "9001"), ("max_inflight", "3"), ("max_request_bytes", "1024"), ("max_buffer_bytes", "65536"));

        Assert.Empty(warnings);
        Assert.Equal(9000, options.Port);
        Assert.Equal(9001, options.MetricsPort);
        Assert.Equal(3, options.MaxInflight);
        Assert.Equal(1024, options.MaxRequestBytes);
        Assert.Equal(65536, options.MaxBufferBytes);
    }

    [Theory]
    [InlineData("port", "0")]
    [InlineData("port", "65536")]
    [InlineData("port", "http")]
    [InlineData("metrics_port", "-1")]
    [InlineData("max_inflight", "-1")]
    [InlineData("max_inflight", "2147483648")]
    [InlineData("max_request_bytes", "1MB")]
    [InlineData("max_buffer_bytes", " 10")]
    public void Invalid_numbers_fall_back_with_a_warning(string variable, string value)
    {
        var (options, warnings) = FakeEnvironment.Read((variable, value));

        Assert.Equal(8080, options.Port);
        Assert.Equal(8081, options.MetricsPort);
        Assert.Equal(0, options.MaxInflight);
        Assert.Equal(0, options.MaxRequestBytes);
        Assert.Equal(4194304, options.MaxBufferBytes);
        Assert.Contains(variable, Assert.Single(warnings));
    }

    [Fact]
    public void Content_type_is_taken_verbatim()
    {
        var (options, _) = FakeEnvironment.Read(("content_type", "application/json; charset=utf-8"));

        Assert.Equal("application/json; charset=utf-8", options.ContentType);
    }

    [Fact]
    public void TMPDIR_moves_the_lock_file()
    {
        var (options, _) = FakeEnvironment.Read(("TMPDIR", "/var/run/fn"));

        Assert.Equal("/var/run/fn", options.TempDirectory);
        Assert.Equal("/var/run/fn/.lock", options.LockFilePath);
    }

    [Fact]
    public void Each_invalid_variable_gets_its_own_warning()
    {
        var (_, warnings) = FakeEnvironment.Read(("port", "x"), ("read_timeout", "y"), ("log_format", "z"));

        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("port"));
        Assert.Contains(warnings, w => w.Contains("read_timeout"));
        Assert.Contains(warnings, w => w.Contains("log_format"));
    }

    private static TimeSpan DurationOf(WatchdogOptions options, string variable) => variable switch
    {
        "read_timeout" => options.ReadTimeout,
        "write_timeout" => options.WriteTimeout,
        "exec_timeout" => options.ExecTimeout,
        "healthcheck_interval" => options.HealthcheckInterval,
        "kill_grace" => options.KillGrace,
        _ => throw new ArgumentOutOfRangeException(nameof(variable), variable, "not a duration variable"),
    };
}
