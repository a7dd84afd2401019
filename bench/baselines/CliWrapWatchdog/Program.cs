using System.Runtime.InteropServices;
using CliWrapWatchdog;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Configuration: only what a benchmark run sets. Everything else of the contract is left out.
var fprocess = Environment.GetEnvironmentVariable("fprocess");
var words = (fprocess ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
if (words.Length == 0)
{
    Console.Error.Write("Provide a \"fprocess\" environment variable for your function.\n");
    return 1;
}
var port = IntFromEnvironment("port", 8080);
var metricsPort = IntFromEnvironment("metrics_port", 8081);
var suppressLock = Environment.GetEnvironmentVariable("suppress_lock") is "true" or "1" or "TRUE" or "True";
var tmp = Environment.GetEnvironmentVariable("TMPDIR");
var lockPath = Path.Combine(string.IsNullOrEmpty(tmp) ? "/tmp" : tmp, ".lock");

// Kestrel built directly, no generic host: the same minimal construction as fwatchdog's WatchdogServer.
var kestrel = new KestrelServerOptions { AddServerHeader = false };
kestrel.Limits.MaxRequestBodySize = null; // classic watchdogs take bodies of any size
kestrel.Limits.MinRequestBodyDataRate = null;
kestrel.ListenAnyIP(port, listen => listen.Protocols = HttpProtocols.Http1);
kestrel.ListenAnyIP(metricsPort, listen => listen.Protocols = HttpProtocols.Http1);
var loggers = NullLoggerFactory.Instance;
var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggers);
using var server = new KestrelServer(Options.Create(kestrel), transport, loggers);

var app = new FunctionApp(words[0], words[1..], metricsPort);
var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

await server.StartAsync(app, CancellationToken.None);
Log.Line($"Listening on port: {port}");
Log.Line($"Metrics listening on port: {metricsPort}");
if (!suppressLock)
{
    Log.Line($"Writing lock-file to: {lockPath}");
    File.WriteAllBytes(lockPath, []);
}
app.Accepting = true;

await stop.Task;
app.Accepting = false;
using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
    await server.StopAsync(drain.Token);
if (!suppressLock)
    File.Delete(lockPath);
return 0;

void OnSignal(PosixSignalContext context)
{
    context.Cancel = true; // shut down through Kestrel's StopAsync instead of exiting on the spot
    stop.TrySetResult();
}

static int IntFromEnvironment(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;
