using Fwatchdog.Configuration;
using Fwatchdog.Tests.Support;

namespace Fwatchdog.Tests.Configuration;

public class EnvironmentDefaultsTests
{
    private readonly WatchdogOptions _options;
    private readonly IReadOnlyList<string> _warnings;

    public EnvironmentDefaultsTests() => (_options, _warnings) = FakeEnvironment.Read();

    [Fact]
    public void Only_fprocess_set_gives_no_warnings() => Assert.Empty(_warnings);

    [Fact]
    public void Ports_default_to_8080_and_8081()
    {
        Assert.Equal(8080, _options.Port);
        Assert.Equal(8081, _options.MetricsPort);
    }

    [Fact]
    public void Timeouts_default_to_Go_watchdog_values()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), _options.ReadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), _options.WriteTimeout);
        Assert.Equal(TimeSpan.Zero, _options.ExecTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), _options.HealthcheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), _options.KillGrace);
    }

    [Fact]
    public void Boolean_switches_default_as_documented()
    {
        Assert.True(_options.CgiHeaders);
        Assert.False(_options.MarshalRequest);
        Assert.True(_options.CombineOutput);
        Assert.False(_options.SuppressLock);
        Assert.False(_options.WriteDebug);
        Assert.False(_options.DebugHeaders);
        Assert.True(_options.PrefixLogs);
        Assert.False(_options.CgiResponse);
        Assert.False(_options.BufferRequestBody);
    }

    [Fact]
    public void Log_lines_default_to_64KiB_as_in_the_of_watchdog() => Assert.Equal(65536, _options.LogBufferSize);

    [Fact]
    public void Limits_default_to_unlimited_and_4MiB_buffer()
    {
        Assert.Equal(0, _options.MaxInflight);
        Assert.Equal(0, _options.MaxRequestBytes);
        Assert.Equal(4194304, _options.MaxBufferBytes);
    }

    [Fact]
    public void Content_type_defaults_to_echoing_the_request() => Assert.Null(_options.ContentType);

    [Fact]
    public void Log_format_and_mode_default_to_text_and_classic()
    {
        Assert.Equal(LogFormat.Text, _options.LogFormat);
        Assert.Equal(ExecutionMode.Classic, _options.Mode);
    }

    [Fact]
    public void Lock_file_defaults_to_tmp()
    {
        Assert.Equal("/tmp", _options.TempDirectory);
        Assert.Equal("/tmp/.lock", _options.LockFilePath);
    }

    [Fact]
    public void Empty_variables_count_as_unset()
    {
        var (options, warnings) = FakeEnvironment.Read(
            ("port", ""), ("write_timeout", ""), ("cgi_headers", ""), ("log_format", ""), ("max_inflight", ""), ("TMPDIR", ""), ("content_type", ""));

        Assert.Empty(warnings);
        Assert.Equal(8080, options.Port);
        Assert.Equal(TimeSpan.FromSeconds(30), options.WriteTimeout);
        Assert.True(options.CgiHeaders);
        Assert.Equal(LogFormat.Text, options.LogFormat);
        Assert.Equal(0, options.MaxInflight);
        Assert.Equal("/tmp/.lock", options.LockFilePath);
        Assert.Null(options.ContentType);
    }
}
