using System.Globalization;
using Fwatchdog.Authentication;

namespace Fwatchdog.Configuration;

/// <summary>A configuration the watchdog cannot start with; the message names the variable and the fix.</summary>
public sealed class ConfigurationException(string message) : Exception(message);

/// <summary>
/// Reads <see cref="WatchdogOptions"/> from environment variables with the Go watchdog's names and
/// defaults. Values that cannot be parsed fall back to the default and leave a warning for the log,
/// as the Go watchdog does (it falls back silently; we say so). Booleans follow Go's reading exactly
/// (see <see cref="Boolean"/>), with a warning for any spelling but true and false.
/// </summary>
public sealed class EnvironmentConfiguration
{
    private static readonly WatchdogOptions Defaults = WatchdogOptions.Defaults;

    /// <summary>Each run holds at most one partial line of this size per stream; 16 MiB bounds that.</summary>
    private const int MaxLogBufferSize = 16 * 1024 * 1024;

    private readonly Func<string, string?> _getVariable;
    private readonly Func<string, string?> _readFile;
    private readonly List<string> _warnings = [];
    private SettingsDialect _dialect;

    /// <param name="readFile">Reads a file's text or returns null (jwt_auth's service-account namespace file).</param>
    public EnvironmentConfiguration(Func<string, string?> getVariable, Func<string, string?>? readFile = null)
    {
        _getVariable = getVariable;
        _readFile = readFile ?? FunctionIdentity.ReadFileOrNull;
    }

    public IReadOnlyList<string> Warnings => _warnings;

    public static WatchdogOptions FromProcessEnvironment(out IReadOnlyList<string> warnings)
    {
        var reader = new EnvironmentConfiguration(Environment.GetEnvironmentVariable);
        var options = reader.Read();
        warnings = reader.Warnings;
        return options;
    }

    /// <summary>The of-watchdog's own defaults where they differ from the classic watchdog's (config/config.go at 9bdadb1).</summary>
    public static class OfWatchdogDefaults
    {
        public static readonly TimeSpan ExecTimeout = TimeSpan.FromSeconds(30);
        public const string ContentType = "application/octet-stream";
        public const string StaticPath = "/home/app/public";
    }

    public WatchdogOptions Read()
    {
        var mode = Mode();
        var dialect = _dialect = Dialect();
        var ofWatchdog = dialect == SettingsDialect.OfWatchdog;
        var forks = mode is ExecutionMode.Classic or ExecutionMode.Streaming;
        var fprocessName = Named("fprocess", "function_process");
        var fprocess = _getVariable(fprocessName);
        var command = mode == ExecutionMode.Static ? null : Command(fprocessName, fprocess); // static runs no process

        var writeTimeout = Duration("write_timeout", Defaults.WriteTimeout);
        return new WatchdogOptions
        {
            Fprocess = command is null ? null : fprocess,
            Command = command,
            Port = Port("port", Defaults.Port),
            MetricsPort = Port("metrics_port", Defaults.MetricsPort),
            ReadTimeout = Duration("read_timeout", Defaults.ReadTimeout),
            WriteTimeout = writeTimeout,
            ExecTimeout = Duration("exec_timeout", ofWatchdog ? OfWatchdogDefaults.ExecTimeout : Defaults.ExecTimeout),
            HealthcheckInterval = Duration("healthcheck_interval", writeTimeout), // unset, it is write_timeout
            KillGrace = Duration("kill_grace", Defaults.KillGrace),
            CgiHeaders = Boolean("cgi_headers", Defaults.CgiHeaders),
            MarshalRequest = Boolean("marshal_request", Defaults.MarshalRequest),
            // The of-watchdog has no combine_output: its streaming and serializing modes log stderr.
            CombineOutput = Boolean("combine_output", Defaults.CombineOutput && !ofWatchdog),
            CgiResponse = Boolean("cgi_response", Defaults.CgiResponse),
            // The of-watchdog's forking modes always send content_type, application/octet-stream unless set.
            ContentType = NonEmpty("content_type") ?? (ofWatchdog && forks ? OfWatchdogDefaults.ContentType : null),
            MaxInflight = (int)Count("max_inflight", Defaults.MaxInflight, int.MaxValue),
            SuppressLock = DialectBoolean(dialect, "suppress_lock", Defaults.SuppressLock),
            WriteDebug = Boolean("write_debug", Defaults.WriteDebug),
            DebugHeaders = Boolean("debug_headers", Defaults.DebugHeaders),
            PrefixLogs = OfWatchdogBoolean("prefix_logs", Defaults.PrefixLogs),
            LogBufferSize = LogBufferSize(),
            LogCallId = OfWatchdogBoolean("log_callid", Defaults.LogCallId),
            LogFormat = Choice("log_format", Defaults.LogFormat, ("text", LogFormat.Text), ("json", LogFormat.Json)),
            Mode = mode,
            Dialect = dialect,
            MaxRequestBytes = Count("max_request_bytes", Defaults.MaxRequestBytes, long.MaxValue),
            MaxBufferBytes = Count("max_buffer_bytes", Defaults.MaxBufferBytes, long.MaxValue),
            TempDirectory = TempDirectory(),
            UpstreamUrl = mode == ExecutionMode.Http ? UpstreamUrl() : null,
            BufferRequestBody = DialectBoolean(dialect, Named("http_buffer_req_body", "buffer_http"), Defaults.BufferRequestBody),
            ReadyPath = NonEmpty("ready_path") is { } readyPath ? "/" + readyPath.TrimStart('/') : null,
            StaticPath = mode == ExecutionMode.Static ? StaticPath() : null,
            JwtAuth = JwtAuth(),
        };
    }

    /// <summary>An of-watchdog mode name set in <c>mode</c> means an of-watchdog image; unset or <c>classic</c>, a classic one.</summary>
    private SettingsDialect Dialect() =>
        _getVariable("mode") is { Length: > 0 } text && !string.Equals(text, "classic", StringComparison.OrdinalIgnoreCase)
            ? SettingsDialect.OfWatchdog
            : SettingsDialect.ClassicWatchdog;

    /// <summary>
    /// A switch both Go watchdogs read, each its own way: the classic watchdog's "true" only, or the
    /// of-watchdog's getBool, where "1" is true as well.
    /// </summary>
    private bool DialectBoolean(SettingsDialect dialect, string name, bool fallback)
    {
        if (dialect == SettingsDialect.ClassicWatchdog)
            return Boolean(name, fallback);
        var text = _getVariable(name);
        if (string.IsNullOrEmpty(text))
            return fallback;
        return Switch(name);
    }

    /// <summary>log_buffer_size; the of-watchdog's -1 (no limit) is taken as the largest this watchdog allows.</summary>
    private int LogBufferSize() =>
        _getVariable("log_buffer_size") == "-1" ? MaxLogBufferSize : (int)Count("log_buffer_size", Defaults.LogBufferSize, MaxLogBufferSize, minimum: 1);

    private static readonly (string Name, ExecutionMode Mode)[] Modes =
    [
        ("classic", ExecutionMode.Classic), ("streaming", ExecutionMode.Streaming),
        ("serializing", ExecutionMode.Classic), ("http", ExecutionMode.Http), ("static", ExecutionMode.Static),
    ];

    /// <summary>Unlike other settings, a wrong mode is fatal: serving requests the wrong way is worse than not starting.</summary>
    private ExecutionMode Mode()
    {
        var text = _getVariable("mode");
        if (string.IsNullOrEmpty(text))
            return Defaults.Mode;
        foreach (var (name, mode) in Modes)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
                return mode;
        }
        throw new ConfigurationException(
            $"mode=\"{text}\" is not a mode. Set mode to one of: {string.Join(", ", Modes.Select(m => m.Name))}.");
    }

    private static CommandLine Command(string variable, string? fprocess)
    {
        if (string.IsNullOrWhiteSpace(fprocess))
            throw new ConfigurationException(
                "Provide a valid process via fprocess environmental variable. " +
                "Set fprocess to the command to run per request, e.g. fprocess=\"cat\".");

        IReadOnlyList<string> words;
        try
        {
            words = WordSplitter.Split(fprocess);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"{e.Message}. Fix the quoting in the {variable} variable.");
        }
        if (words.Count == 0 || words[0].Length == 0)
            throw new ConfigurationException($"{variable} names no program. Set fprocess to the command to run per request, e.g. fprocess=\"cat\".");
        return new CommandLine(words[0], words.Skip(1).ToArray());
    }

    private Uri UpstreamUrl()
    {
        var name = Named("upstream_url", "http_upstream_url");
        var text = _getVariable(name);
        if (string.IsNullOrEmpty(text))
            throw new ConfigurationException(
                "mode=http needs upstream_url: set it to the address the function's own server listens on, e.g. upstream_url=http://127.0.0.1:3000.");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || url.Host.Length == 0)
            throw new ConfigurationException(
                $"{name}=\"{text}\" is not an http:// URL. Set it to the address the function's own server listens on, e.g. upstream_url=http://127.0.0.1:3000.");
        return url;
    }

    private string StaticPath()
    {
        var set = NonEmpty("static_path");
        var path = set ?? OfWatchdogDefaults.StaticPath;
        if (!Directory.Exists(path))
            throw new ConfigurationException(set is null
                ? $"mode=static serves static_path, which is not set, and its default {path} is not a directory. Set static_path to the directory to serve."
                : $"static_path=\"{path}\" is not a directory. Set static_path to the directory to serve.");
        return Path.GetFullPath(path);
    }

    /// <summary>
    /// jwt_auth and its two companions. Both Go watchdogs read "true" (the of-watchdog also "1") as on and
    /// anything else as off, so there jwt_auth=TRUE or jwt_auth=yes leaves a protected function open
    /// without a word. Here "true" and "1" turn it on, "false", "0" and unset leave it off, and any other
    /// value stops start-up: guessing either way would be wrong for someone.
    /// </summary>
    private JwtAuthentication? JwtAuth()
    {
        var text = _getVariable("jwt_auth");
        switch (text)
        {
            case null or "" or "false" or "0":
                return null;
            case "true" or "1":
                return new JwtAuthentication(FunctionIdentity.Resolve(_getVariable, _readFile),
                    Local: Switch("jwt_auth_local"), Debug: Switch("jwt_auth_debug"));
            default:
                throw new ConfigurationException(
                    $"jwt_auth=\"{text}\" is neither true nor false, and the watchdog will not guess whether the function is protected. Set jwt_auth=true (or 1) to require tokens, jwt_auth=false to serve calls without them.");
        }
    }

    /// <summary>The of-watchdog's getBool: "true" or "1" is on, anything else off (said so when it is not "false" or "0").</summary>
    private bool Switch(string name)
    {
        var text = _getVariable(name);
        if (text is "true" or "1")
            return true;
        if (!string.IsNullOrEmpty(text) && text is not ("false" or "0"))
            WarnReadAs(name, text, "false", "the Go watchdogs");
        return false;
    }

    /// <summary>
    /// The variable to read for a setting with an of-watchdog alias. When both are set, the of-watchdog
    /// reads the alias (function_process, http_upstream_url, buffer_http), so an of-watchdog image gets
    /// the alias here too; a classic image, which knows no aliases, the main name.
    /// </summary>
    private string Named(string name, string alias)
    {
        var hasName = !string.IsNullOrEmpty(_getVariable(name));
        var hasAlias = !string.IsNullOrEmpty(_getVariable(alias));
        return hasAlias && (!hasName || _dialect == SettingsDialect.OfWatchdog) ? alias : name;
    }

    private string TempDirectory() => TempDirectoryFrom(_getVariable);

    /// <summary>$TMPDIR, else /tmp: where Go's os.TempDir() puts the lock file.</summary>
    public static string TempDirectoryFrom(Func<string, string?> getVariable)
    {
        var tmp = getVariable("TMPDIR");
        return string.IsNullOrEmpty(tmp) ? Defaults.TempDirectory : tmp;
    }

    private string? NonEmpty(string name)
    {
        var value = _getVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private TimeSpan Duration(string name, TimeSpan fallback)
    {
        var text = _getVariable(name);
        if (string.IsNullOrEmpty(text))
            return fallback;
        if (GoDuration.TryParseTimeout(text, out var value, out var clamped))
        {
            if (clamped)
                _warnings.Add($"Warning: {name}=\"{text}\" is longer than the watchdog can wait; using {GoDuration.Format(value)}.");
            return value;
        }
        Warn(name, text, $"a number of seconds or a Go duration such as 500ms, 10s or 1m30s", GoDuration.Format(fallback));
        return fallback;
    }

    /// <summary>
    /// The classic watchdog's rule: a set variable is true only when it is exactly "true", so
    /// cgi_headers=0 turns CGI headers off. Anything but "true" or "false" is read as false and said so.
    /// </summary>
    private bool Boolean(string name, bool fallback)
    {
        var text = _getVariable(name);
        if (string.IsNullOrEmpty(text))
            return fallback;
        if (text is not ("true" or "false"))
            WarnReadAs(name, text, "false", "the Go watchdog");
        return text == "true";
    }

    /// <summary>
    /// The of-watchdog's rule for its own switches (Go's strconv.ParseBool): 1, t, T, TRUE, True and
    /// true are true, their false counterparts false, anything else keeps the default.
    /// </summary>
    private bool OfWatchdogBoolean(string name, bool fallback)
    {
        var text = _getVariable(name);
        bool? value = text switch
        {
            null or "" => null,
            "1" or "t" or "T" or "TRUE" or "True" or "true" => true,
            "0" or "f" or "F" or "FALSE" or "False" or "false" => false,
            _ => null,
        };
        if (!string.IsNullOrEmpty(text) && text is not ("true" or "false"))
            WarnReadAs(name, text, value is { } parsed ? Text(parsed) : $"the default {Text(fallback)}", "the of-watchdog");
        return value ?? fallback;
    }

    private static string Text(bool value) => value ? "true" : "false";

    private int Port(string name, int fallback)
    {
        var value = Count(name, fallback, 65535);
        if (value != 0)
            return (int)value;
        Warn(name, "0", "a TCP port from 1 to 65535", fallback.ToString(CultureInfo.InvariantCulture));
        return fallback;
    }

    private long Count(string name, long fallback, long maximum, long minimum = 0)
    {
        var text = _getVariable(name);
        if (string.IsNullOrEmpty(text))
            return fallback;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum)
            return value;
        Warn(name, text, $"a whole number from {minimum} to {maximum}", fallback.ToString(CultureInfo.InvariantCulture));
        return fallback;
    }

    private T Choice<T>(string name, T fallback, params (string Text, T Value)[] choices)
    {
        var text = _getVariable(name);
        if (string.IsNullOrEmpty(text))
            return fallback;
        foreach (var (choiceText, value) in choices)
        {
            if (string.Equals(text, choiceText, StringComparison.OrdinalIgnoreCase))
                return value;
        }
        var fallbackText = choices.First(c => EqualityComparer<T>.Default.Equals(c.Value, fallback)).Text;
        Warn(name, text, string.Join(" or ", choices.Select(c => c.Text)), fallbackText);
        return fallback;
    }

    private void Warn(string name, string text, string expected, string fallback) =>
        _warnings.Add($"Warning: {name}=\"{text}\" is not valid (expected {expected}); using the default {fallback}.");

    private void WarnReadAs(string name, string text, string readAs, string watchdog) =>
        _warnings.Add($"Warning: {name}=\"{text}\" is neither true nor false; read as {readAs}, as {watchdog} does. Set {name}=true or {name}=false.");
}
