using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Fwatchdog.Testing;

/// <summary>
/// One running watchdog binary, started the way users start it: a clean environment, its own
/// loopback ports and a private TMPDIR (so lock files never collide between parallel tests).
/// Dispose kills it (and any function processes still below it) by PID.
/// </summary>
public sealed class WatchdogProcess : IAsyncDisposable
{
    private const int BindAttempts = 3;

    private readonly Process _process;
    private readonly TempDirectory _tmp;
    private readonly Task _drained;
    private readonly Lazy<HttpClient> _client;
    private readonly Lazy<HttpClient> _metricsClient;
    private int _pid;

    private readonly ITestOutputHelper? _testOutput;

    private WatchdogProcess(Process process, TempDirectory tmp, OutputLog output, Task drained, int port, int metricsPort, bool runAsPid1, ITestOutputHelper? testOutput)
    {
        _testOutput = testOutput;
        _process = process;
        _tmp = tmp;
        Output = output;
        _drained = drained;
        Port = port;
        MetricsPort = metricsPort;
        LauncherPid = process.Id;
        _pid = runAsPid1 ? 0 : process.Id;
        _client = new Lazy<HttpClient>(() => CreateClient(port));
        _metricsClient = new Lazy<HttpClient>(() => CreateClient(metricsPort));
    }

    public int Port { get; }
    public int MetricsPort { get; }

    /// <summary>The process this harness launched: the watchdog itself, or <c>unshare</c> in PID-1 mode.</summary>
    public int LauncherPid { get; }

    /// <summary>The watchdog's PID as seen from the test (host namespace), also in PID-1 mode.</summary>
    public int Pid => _pid != 0 ? _pid : throw new InvalidOperationException("The watchdog's PID inside the namespace is not known yet.");

    /// <summary>The private directory passed as TMPDIR (lock file lives at <c>TempPath/.lock</c>).</summary>
    public string TempPath => _tmp.Path;

    public string LockFilePath => Path.Combine(_tmp.Path, ".lock");

    public OutputLog Output { get; }

    /// <summary>Client with base address <c>http://127.0.0.1:port/</c>; no proxy, no redirects.</summary>
    public HttpClient Client => _client.Value;

    /// <summary>Client with base address <c>http://127.0.0.1:metrics_port/</c>.</summary>
    public HttpClient MetricsClient => _metricsClient.Value;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static Task<WatchdogProcess> StartAsync(string fprocess, params (string Name, string Value)[] variables) =>
        StartAsync(WatchdogLaunch.For(fprocess, variables));

    /// <summary>
    /// Starts the binary. With <see cref="WatchdogLaunch.WaitForReady"/> this returns after the readiness
    /// line; if the watchdog dies before it because another process took an auto-assigned port, it is
    /// retried with fresh ports.
    /// </summary>
    public static async Task<WatchdogProcess> StartAsync(WatchdogLaunch options)
    {
        var pinnedPorts = options.Environment.ContainsKey("port") || options.Environment.ContainsKey("metrics_port");
        for (var attempt = 1; ; attempt++)
        {
            var watchdog = Launch(options);
            if (!options.WaitForReady)
            {
                if (options.RunAsPid1)
                    await watchdog.ResolveInnerPidAsync(options.ReadyTimeout).ConfigureAwait(false);
                return watchdog;
            }
            try
            {
                await watchdog.WaitForReadyAsync(options.ReadyTimeout).ConfigureAwait(false);
                if (options.RunAsPid1)
                    await watchdog.ResolveInnerPidAsync(options.ReadyTimeout).ConfigureAwait(false);
                return watchdog;
            }
            catch (OutputClosedException) when (!pinnedPorts && attempt < BindAttempts && LooksLikePortClash(watchdog.Output))
            {
                await watchdog.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await watchdog.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Runs the binary to completion (e.g. <c>--version</c>) and returns it exited.</summary>
    public static async Task<WatchdogProcess> RunToExitAsync(WatchdogLaunch options, TimeSpan timeout)
    {
        var watchdog = Launch(options);
        await watchdog.WaitForExitAsync(timeout).ConfigureAwait(false);
        return watchdog;
    }

    /// <summary>Waits for the contract's readiness line, <c>Listening on port: &lt;port&gt;</c>.</summary>
    public Task WaitForReadyAsync(TimeSpan timeout) =>
        Output.WaitForLineAsync(new Regex($@"Listening on port: {Port}\b"), timeout);

    public Task<OutputLine> WaitForLineAsync(string fragment, TimeSpan timeout) => Output.WaitForLineAsync(fragment, timeout);

    public Task<OutputLine> WaitForLineAsync(Regex pattern, TimeSpan timeout) => Output.WaitForLineAsync(pattern, timeout);

    /// <summary>Sends a signal to the watchdog process itself (the inner one in PID-1 mode).</summary>
    public bool SendSignal(int signum) => Signals.Send(Pid, signum);

    /// <summary>Waits for exit and for the output to be fully captured; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            await _drained.WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The watchdog did not exit within {timeout.TotalSeconds:0.#}s. Output:\n{Output.Dump()}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_testOutput != null)
            TryWrite(_testOutput, _process.HasExited
                ? $"[harness] watchdog had exited with code {_process.ExitCode} (128+N means killed by signal N)"
                : "[harness] watchdog still running at dispose; killing it");
        if (!_process.HasExited)
        {
            // Functions below the watchdog would outlive a SIGKILLed parent; end them by PID too.
            var root = _pid != 0 ? _pid : LauncherPid;
            var leftovers = ProcFs.Descendants(root).Where(p => p.Pid != root).Select(p => p.Pid).ToList();
            if (_pid != 0)
                Signals.Send(_pid, Signals.SIGKILL);
            Signals.Send(LauncherPid, Signals.SIGKILL);
            foreach (var pid in leftovers)
                Signals.Send(pid, Signals.SIGKILL);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { /* nothing more we may do */ }
        }
        if (_client.IsValueCreated) _client.Value.Dispose();
        if (_metricsClient.IsValueCreated) _metricsClient.Value.Dispose();
        _process.Dispose();
        _tmp.Dispose();
    }

    private static WatchdogProcess Launch(WatchdogLaunch options)
    {
        var tmp = new TempDirectory("watchdog");
        var port = options.Environment.TryGetValue("port", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : FreePort.Next();
        var metricsPort = options.Environment.TryGetValue("metrics_port", out var m) ? int.Parse(m, CultureInfo.InvariantCulture) : FreePort.Next();

        var command = WatchdogBinary.Command();
        if (options.ChrootDirectory is { } root)
        {
            File.Copy(WatchdogBinary.Path, Path.Combine(root, "fwatchdog"), overwrite: true);
            Directory.CreateDirectory(Path.Combine(root, "tmp"));
            command = ["chroot", root, "/fwatchdog"];
        }
        var start = options.RunAsPid1
            ? new ProcessStartInfo("unshare", ["--pid", "--fork", "--mount-proc", .. command, .. options.Arguments])
            : new ProcessStartInfo(command[0], [.. command.Skip(1), .. options.Arguments]);
        start.UseShellExecute = false;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.StandardOutputEncoding = Encoding.UTF8;
        start.StandardErrorEncoding = Encoding.UTF8;
        start.WorkingDirectory = tmp.Path;

        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        start.Environment["TMPDIR"] = options.ChrootDirectory is null ? tmp.Path : "/tmp";
        start.Environment["port"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["metrics_port"] = metricsPort.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in options.Environment)
            start.Environment[name] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {string.Join(' ', command)}.");
        process.StandardInput.Close(); // the watchdog never reads its own stdin; don't let it inherit ours
        // Logged before the output pumps start, so it precedes every line from the process.
        if (options.TestOutput is { } log)
            TryWrite(log, $"[harness] started {string.Join(' ', [start.FileName, .. start.ArgumentList])} as PID {process.Id}; " +
                $"port={port} metrics_port={metricsPort} TMPDIR={tmp.Path}; " +
                string.Join(' ', options.Environment.Select(kv => $"{kv.Key}={kv.Value}")));

        var output = new OutputLog(options.TestOutput == null ? null : line => TryWrite(options.TestOutput, line));
        var drained = output.CaptureAsync(process);
        return new WatchdogProcess(process, tmp, output, drained, port, metricsPort, options.RunAsPid1, options.TestOutput);
    }

    /// <summary>
    /// In PID-1 mode the watchdog is unshare's only child; it is recognised once it has exec'd,
    /// i.e. its command line no longer equals unshare's own.
    /// </summary>
    private async Task ResolveInnerPidAsync(TimeSpan timeout)
    {
        var launcherCommandLine = ProcFs.CommandLine(LauncherPid);
        var found = await Eventually.TrueWithinAsync(() =>
        {
            var child = ProcFs.Snapshot().FirstOrDefault(c => c.ParentPid == LauncherPid
                && ProcFs.CommandLine(c.Pid) is { Length: > 0 } commandLine && commandLine != launcherCommandLine);
            if (child != null)
                _pid = child.Pid;
            return child != null;
        }, timeout).ConfigureAwait(false);
        if (!found)
            throw new TimeoutException($"unshare (PID {LauncherPid}) did not start the watchdog within {timeout}. Output:\n{Output.Dump()}");
    }

    // Writing after the test has finished throws; late lines are not worth failing over.
    private static void TryWrite(ITestOutputHelper output, string line)
    {
        try { output.WriteLine(line); }
        catch (InvalidOperationException) { }
    }

    private static bool LooksLikePortClash(OutputLog output) =>
        output.Contains("in use") || output.Contains("EADDRINUSE") || output.Contains("AddressAlreadyInUse");

    private static HttpClient CreateClient(int port) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromMinutes(2),
        };
}
