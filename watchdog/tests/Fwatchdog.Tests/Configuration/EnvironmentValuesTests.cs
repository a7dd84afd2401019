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

    [Theory]
    [InlineData("read_timeout", "2000h")]
    [InlineData("write_timeout", "1195h")]
    [InlineData("exec_timeout", "2000h")]
    [InlineData("healthcheck_interval", "2000h")]
    [InlineData("kill_grace", "2000h")]
    public void Durations_too_long_for_timers_are_clamped_with_a_warning_naming_the_variable_and_the_value_used(string variable, string value)
    {
        var (options, warnings) = FakeEnvironment.Read((variable, value));

        Assert.Equal(GoDuration.MaxTimer, DurationOf(options, variable));
        var warning = Assert.Single(warnings);
        Assert.Contains($"{variable}=\"{value}\"", warning);
        Assert.Contains("using 1193h2m47.294s", warning);
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
        var (options, warnings) = FakeEnvironment.Read(
            ("marshal_request", value), ("cgi_headers", value), ("suppress_lock", value), ("combine_output", value),
            ("write_debug", value), ("debug_headers", value), ("cgi_response", value));

        Assert.Empty(warnings);
        Assert.Equal(expected, options.MarshalRequest);
        Assert.Equal(expected, options.CgiHeaders);
        Assert.Equal(expected, options.SuppressLock);
        Assert.Equal(expected, options.CombineOutput);
        Assert.Equal(expected, options.WriteDebug);
        Assert.Equal(expected, options.DebugHeaders);
        Assert.Equal(expected, options.CgiResponse);
    }

    [Theory]
    [InlineData("cgi_headers")]
    [InlineData("combine_output")]
    [InlineData("write_debug")]
    [InlineData("marshal_request")]
    [InlineData("debug_headers")]
    [InlineData("suppress_lock")]
    [InlineData("cgi_response")]
    public void Only_exactly_true_is_true_as_in_the_Go_watchdog(string variable)
    {
        foreach (var value in new[] { "TRUE", "True", "1", "yes", "on" })
        {
            var (options, _) = FakeEnvironment.Read((variable, value));

            Assert.False(BooleanOf(options, variable), $"{variable}={value}");
        }
    }

    [Theory]
    [InlineData("cgi_headers", "0")]
    [InlineData("combine_output", "False")]
    [InlineData("write_debug", "1")]
    [InlineData("suppress_lock", "yes")]
    public void Other_spellings_warn_naming_the_variable_and_what_it_was_read_as(string variable, string value)
    {
        var (_, warnings) = FakeEnvironment.Read((variable, value));

        var warning = Assert.Single(warnings);
        Assert.Contains($"{variable}=\"{value}\"", warning);
        Assert.Contains("read as false", warning);
    }

    [Fact]
    public void Cgi_headers_0_turns_cgi_headers_off()
    {
        var (options, _) = FakeEnvironment.Read(("cgi_headers", "0"));

        Assert.False(options.CgiHeaders);
    }

    [Theory]
    [InlineData("1", false, true)]
    [InlineData("t", false, true)]
    [InlineData("True", false, true)]
    [InlineData("0", false, false)]
    [InlineData("F", false, false)]
    [InlineData("FALSE", false, false)]
    [InlineData("false", true, false)]
    [InlineData("true", true, true)]
    [InlineData("no", false, true)]
    public void Prefix_logs_is_read_as_the_of_watchdog_reads_it(string value, bool silent, bool expected)
    {
        var (options, warnings) = FakeEnvironment.Read(("prefix_logs", value));

        Assert.Equal(expected, options.PrefixLogs);
        if (silent)
        {
            Assert.Empty(warnings);
        }
        else
        {
            var warning = Assert.Single(warnings);
            Assert.Contains($"prefix_logs=\"{value}\"", warning);
            Assert.Contains(value == "no" ? "read as the default true" : $"read as {(expected ? "true" : "false")}", warning);
        }
    }

    [Theory]
    [InlineData("1048576", 1048576)]
    [InlineData("1", 1)]
    public void Log_buffer_size_is_read(string value, int expected)
    {
        var (options, warnings) = FakeEnvironment.Read(("log_buffer_size", value));

        Assert.Empty(warnings);
        Assert.Equal(expected, options.LogBufferSize);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("64k")]
    [InlineData("16777217")]
    public void Invalid_log_buffer_size_falls_back_to_64KiB_with_a_warning(string value)
    {
        var (options, warnings) = FakeEnvironment.Read(("log_buffer_size", value));

        Assert.Equal(65536, options.LogBufferSize);
        Assert.Contains("log_buffer_size", Assert.Single(warnings));
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

    private static bool BooleanOf(WatchdogOptions options, string variable) => variable switch
    {
        "cgi_headers" => options.CgiHeaders,
        "combine_output" => options.CombineOutput,
        "write_debug" => options.WriteDebug,
        "marshal_request" => options.MarshalRequest,
        "debug_headers" => options.DebugHeaders,
        "suppress_lock" => options.SuppressLock,
        "cgi_response" => options.CgiResponse,
        _ => throw new ArgumentOutOfRangeException(nameof(variable), variable, "not a boolean variable"),
    };

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
