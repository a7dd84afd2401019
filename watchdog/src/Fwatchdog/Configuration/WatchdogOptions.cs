namespace Fwatchdog.Configuration;

/// <summary>How function requests are served; <c>serializing</c> (of-watchdog's name) reads as Classic.</summary>
public enum ExecutionMode { Classic, Streaming, Http, Static }

public enum LogFormat { Text, Json }

/// <summary>
/// Which Go watchdog an image was written for, and so how its settings read. An image that sets
/// <c>mode</c> to an of-watchdog mode (streaming, serializing, http, static) was written for the
/// of-watchdog; any other image for the classic watchdog, whose reading stays exactly as it was.
/// </summary>
public enum SettingsDialect { ClassicWatchdog, OfWatchdog }

/// <summary>Everything the watchdog is told by its environment, parsed and validated once at start.</summary>
/// <remarks>
/// Its initial values are the only definition of the defaults: <see cref="EnvironmentConfiguration"/> falls back to <see cref="Defaults"/>.
/// </remarks>
public sealed record WatchdogOptions
{
    public static readonly WatchdogOptions Defaults = new() { TempDirectory = "/tmp" };

    private readonly TimeSpan? _healthcheckInterval;

    /// <summary>The fprocess text as configured (for log lines; <see cref="Command"/> is what runs). Null only in mode=static, which runs no process.</summary>
    public string? Fprocess { get; init; }
    public CommandLine? Command { get; init; }
    public int Port { get; init; } = 8080;
    public int MetricsPort { get; init; } = 8081;
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ExecTimeout { get; init; } = TimeSpan.Zero;
    /// <summary>healthcheck_interval; unset, it is write_timeout, as in the Go watchdog.</summary>
    public TimeSpan HealthcheckInterval { get => _healthcheckInterval ?? WriteTimeout; init => _healthcheckInterval = value; }
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(1);
    public bool CgiHeaders { get; init; } = true;
    public bool MarshalRequest { get; init; }
    public bool CombineOutput { get; init; } = true;
    public bool CgiResponse { get; init; }
    public string? ContentType { get; init; }
    public int MaxInflight { get; init; }
    public bool SuppressLock { get; init; }
    public bool WriteDebug { get; init; }
    public bool DebugHeaders { get; init; }
    public bool PrefixLogs { get; init; } = true;
    /// <summary>of-watchdog's default, Go's bufio.MaxScanTokenSize.</summary>
    public int LogBufferSize { get; init; } = 64 * 1024;
    public LogFormat LogFormat { get; init; } = LogFormat.Text;
    /// <summary>log_callid (of-watchdog): mode=http's call line ends with " [&lt;call id&gt;]".</summary>
    public bool LogCallId { get; init; }
    public ExecutionMode Mode { get; init; } = ExecutionMode.Classic;
    public SettingsDialect Dialect { get; init; } = SettingsDialect.ClassicWatchdog;
    public long MaxRequestBytes { get; init; }
    public long MaxBufferBytes { get; init; } = 4 * 1024 * 1024;
    public required string TempDirectory { get; init; }
    /// <summary>mode=http: where the function's own server listens (of-watchdog's upstream_url).</summary>
    public Uri? UpstreamUrl { get; init; }
    /// <summary>mode=http: read the whole request body and send it with a Content-Length.</summary>
    public bool BufferRequestBody { get; init; }
    /// <summary>mode=http: /_/ready also asks the upstream at this path.</summary>
    public string? ReadyPath { get; init; }
    /// <summary>mode=static: the directory served.</summary>
    public string? StaticPath { get; init; }

    /// <summary>jwt_auth: every function call needs a gateway-signed token for this function; null when off.</summary>
    public Authentication.JwtAuthentication? JwtAuth { get; init; }

    public string LockFilePath => Lifecycle.LockFile.PathIn(TempDirectory);
}

/// <summary>The function's program and arguments, split from <c>fprocess</c> once.</summary>
public sealed record CommandLine(string Program, IReadOnlyList<string> Arguments);
