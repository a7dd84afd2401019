namespace Fwatchdog.Configuration;

public enum ExecutionMode { Classic, Streaming }

public enum LogFormat { Text, Json }

/// <summary>Everything the watchdog is told by its environment, parsed and validated once at start.</summary>
public sealed record WatchdogOptions
{
    public required string FunctionProcess { get; init; }
    public required CommandLine Command { get; init; }
    public int Port { get; init; } = 8080;
    public int MetricsPort { get; init; } = 8081;
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ExecTimeout { get; init; } = TimeSpan.Zero;
    public TimeSpan HealthcheckInterval { get; init; } = TimeSpan.FromSeconds(30);
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
    public int LogBufferSize { get; init; } = 64 * 1024;
    public LogFormat LogFormat { get; init; } = LogFormat.Text;
    public ExecutionMode Mode { get; init; } = ExecutionMode.Classic;
    public long MaxRequestBytes { get; init; }
    public long MaxBufferBytes { get; init; } = 4 * 1024 * 1024;
    public required string TempDirectory { get; init; }

    public string LockFilePath => Lifecycle.LockFile.PathIn(TempDirectory);
}

/// <summary>The function's program and arguments, split from <c>fprocess</c> once.</summary>
public sealed record CommandLine(string Program, IReadOnlyList<string> Arguments);
