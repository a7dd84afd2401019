using System.Net;
using System.Text;

namespace Fwatchdog.Testing.Tokens;

/// <summary>
/// The OpenFaaS gateway's two authentication documents on 127.0.0.1:8000, where jwt_auth_local=true
/// looks for them: OpenID discovery and the JWKS it names. The key set can be swapped while running
/// (rotation), and every GET is counted, so tests see when the watchdog fetched.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    public const int Port = 8000;
    public const string Issuer = "http://127.0.0.1:8000";
    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string KeySetPath = "/.well-known/openid-configuration/jwks";

    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private volatile string _keySet;
    private int _discoveryRequests;
    private int _keySetRequests;

    private FakeGateway(string keySet)
    {
        _keySet = keySet;
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    /// <summary>Serves the public keys of <paramref name="keys"/>.</summary>
    public static FakeGateway Start(params TestSigningKey[] keys) => new(FunctionTokens.KeySet([.. keys.Select(k => k.Jwk())]));

    public static FakeGateway StartWithKeySet(string keySetJson) => new(keySetJson);

    public int DiscoveryRequests => Volatile.Read(ref _discoveryRequests);
    public int KeySetRequests => Volatile.Read(ref _keySetRequests);

    /// <summary>From the next fetch on, the gateway publishes these keys instead.</summary>
    public void Publish(params TestSigningKey[] keys) => _keySet = FunctionTokens.KeySet([.. keys.Select(k => k.Jwk())]);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            var path = context.Request.Url?.AbsolutePath;
            var (status, body) = path switch
            {
                DiscoveryPath => (200, Count(ref _discoveryRequests, FunctionTokens.Discovery(Issuer, Issuer + KeySetPath))),
                KeySetPath => (200, Count(ref _keySetRequests, _keySet)),
                _ => (404, "not found"),
            };
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            try
            {
                await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // the watchdog went away mid-answer; the next fetch is a new request
            }
        }
    }

    private static string Count(ref int counter, string body)
    {
        Interlocked.Increment(ref counter);
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving.ConfigureAwait(false);
    }
}
