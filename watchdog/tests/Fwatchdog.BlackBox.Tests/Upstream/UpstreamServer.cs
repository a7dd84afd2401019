using Fwatchdog.Testing;

namespace Fwatchdog.BlackBox.Tests.Upstream;

/// <summary>
/// mode=http settings that run <c>upstream.py</c> as the function's server on a free loopback port,
/// plus a private directory for the files it waits on or writes (gates, markers).
/// </summary>
internal sealed class UpstreamServer : IDisposable
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Upstream", "upstream.py");
    private readonly TempDirectory _files = new("upstream");

    public int Port { get; } = FreePort.Next();
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>A path in the private directory; tests create it to release the upstream, or wait for it to appear.</summary>
    public string File(string name) => _files.File(name);

    public WatchdogOptions Options(params (string Name, string Value)[] variables)
    {
        var options = WatchdogOptions.For($"python3 {Script}",
            [("mode", "http"), ("upstream_url", Url), ("UPSTREAM_PORT", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. variables]);
        return options;
    }

    public void Dispose() => _files.Dispose();
}
