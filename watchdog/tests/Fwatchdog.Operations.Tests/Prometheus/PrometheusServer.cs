using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fwatchdog.Operations.Tests.Support;
using Fwatchdog.Testing;

namespace Fwatchdog.Operations.Tests.Prometheus;

/// <summary>
/// A real Prometheus server (the Debian package's binary) scraping one target every second, with its
/// config and TSDB in a private directory and its only listener on a loopback port. Dispose kills it by PID.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Job = "fwatchdog";
    private const string ReadyLine = "Server is ready to receive web requests.";
    private const int BindAttempts = 3;

    private readonly Process _process;
    private readonly TempDirectory _directory;
    private readonly Task _drained;

    private PrometheusServer(Process process, TempDirectory directory, OutputLog output, Task drained, int port)
    {
        _process = process;
        _directory = directory;
        Output = output;
        _drained = drained;
        Api = new PrometheusApi(new Uri($"http://127.0.0.1:{port}/"));
    }

    public PrometheusApi Api { get; }

    public OutputLog Output { get; }

    /// <summary>The binary: Debian installs it at /usr/bin/prometheus; fall back to PATH elsewhere.</summary>
    public static string Binary => File.Exists("/usr/bin/prometheus") ? "/usr/bin/prometheus" : "prometheus";

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) and returns once it says it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string target)
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(target, FreePort.Next());
            try
            {
                await server.Output.WaitForLineAsync(ReadyLine, Limits.Prometheus);
                return server;
            }
            catch (OutputClosedException) when (attempt < BindAttempts && server.Output.Contains("address already in use"))
            {
                // Another process took the port between our probe and Prometheus' bind: try a fresh one.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    private static PrometheusServer Launch(string target, int port)
    {
        var directory = new TempDirectory("prometheus");
        var config = directory.File("prometheus.yml");
        File.WriteAllText(config, Config(target), new UTF8Encoding(false));

        var start = new ProcessStartInfo(Binary,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={directory.File("data")}",
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
        ])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory.Path,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Binary}.");
        process.StandardInput.Close();

        var output = new OutputLog();
        var drained = output.CaptureAsync(process);
        return new PrometheusServer(process, directory, output, drained, port);
    }

    /// <summary>Scrape every second so a test waits seconds, not the default minute, for its samples.</summary>
    private static string Config(string target) => $"""
        global:
          scrape_interval: 1s
          scrape_timeout: 900ms
        scrape_configs:
          - job_name: {Job}
            static_configs:
              - targets: ['{target}']
        """;

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, Signals.SIGKILL);
            using var cts = new CancellationTokenSource(Limits.Quick);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
                await _drained.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) { /* nothing more we may do */ }
        }
        _process.Dispose();
        _directory.Dispose();
    }
}
