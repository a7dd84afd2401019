using System.Text;
using System.Threading.Channels;
using Fwatchdog.Authentication;

namespace Fwatchdog.Tests.Authentication;

/// <summary>A gateway in memory: answers each fetch with what the test set last (keys or a failure) and reports every fetch.</summary>
internal sealed class FakeKeySource : IKeySource
{
    public const string Issuer = "http://gateway.openfaas:8080";
    private readonly Channel<int> _fetches = Channel.CreateUnbounded<int>();
    private volatile string? _keySet;
    private volatile string _failure = "GET http://gateway.openfaas:8080/.well-known/openid-configuration failed: Connection refused.";
    private int _count;

    public Uri DiscoveryUrl { get; } = OpenIdKeySource.ClusterDiscoveryUrl;

    public int Count => Volatile.Read(ref _count);

    public void Serve(string keySetJson) => _keySet = keySetJson;

    public void Fail(string reason)
    {
        _keySet = null;
        _failure = reason;
    }

    public Task<FetchedKeys> FetchAsync(CancellationToken cancellationToken)
    {
        var count = Interlocked.Increment(ref _count);
        _fetches.Writer.TryWrite(count);
        return _keySet is { } keySet
            ? Task.FromResult(new FetchedKeys(Issuer, new Uri(Issuer + "/.well-known/jwks.json"), Encoding.UTF8.GetBytes(keySet)))
            : Task.FromException<FetchedKeys>(new KeyFetchException(_failure));
    }

    /// <summary>Waits (bounded) for the next fetch to start.</summary>
    public async Task<int> NextFetchAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _fetches.Reader.ReadAsync(timeout.Token);
    }
}
