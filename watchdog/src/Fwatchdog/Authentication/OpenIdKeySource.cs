using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Fwatchdog.Authentication;

/// <summary>What one fetch brought: the issuer tokens must name, and the JWKS document as served.</summary>
public sealed record FetchedKeys(string Issuer, Uri KeySetUrl, byte[] KeySetDocument);

/// <summary>Where the gateway's keys come from; a fake in tests.</summary>
public interface IKeySource
{
    Uri DiscoveryUrl { get; }

    /// <exception cref="KeyFetchException">The keys could not be fetched; the message says where and why.</exception>
    Task<FetchedKeys> FetchAsync(CancellationToken cancellationToken);
}

/// <summary>A fetch of the gateway's keys failed; the message is one sentence naming the URL and the cause.</summary>
public sealed class KeyFetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// OpenID Connect discovery, then the JWKS it names (the Go middleware's two GETs). Both are bounded
/// — <see cref="FetchTimeout"/> each, <see cref="MaxDocumentBytes"/> each — and plain http only:
/// TLS would need OpenSSL loaded into a statically linked process, which is not safe (see
/// <c>Http/CallId.cs</c>), and the gateway serves both documents over http inside the cluster.
/// </summary>
public sealed class OpenIdKeySource : IKeySource, IDisposable
{
    public static readonly Uri ClusterDiscoveryUrl = new("http://gateway.openfaas:8080/.well-known/openid-configuration");
    public static readonly Uri LocalDiscoveryUrl = new("http://127.0.0.1:8000/.well-known/openid-configuration");

    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);
    public const int MaxDocumentBytes = 1024 * 1024;

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        ConnectTimeout = FetchTimeout,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10),
    }, disposeHandler: true);

    public OpenIdKeySource(Uri discoveryUrl) => DiscoveryUrl = discoveryUrl;

    public Uri DiscoveryUrl { get; }

    public async Task<FetchedKeys> FetchAsync(CancellationToken cancellationToken)
    {
        var discovery = await GetAsync(DiscoveryUrl, cancellationToken).ConfigureAwait(false);
        var (issuer, keySetUrl) = ReadDiscovery(discovery);
        var keySet = await GetAsync(keySetUrl, cancellationToken).ConfigureAwait(false);
        return new FetchedKeys(issuer, keySetUrl, keySet);
    }

    private (string Issuer, Uri KeySetUrl) ReadDiscovery(byte[] document)
    {
        try
        {
            using var json = JsonDocument.Parse(document);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("issuer", out var issuer) && issuer.ValueKind == JsonValueKind.String && issuer.GetString() is { Length: > 0 } issuerText
                && root.TryGetProperty("jwks_uri", out var jwks) && jwks.ValueKind == JsonValueKind.String)
            {
                if (!Uri.TryCreate(jwks.GetString(), UriKind.Absolute, out var keySetUrl) || keySetUrl.Scheme != Uri.UriSchemeHttp)
                    throw new KeyFetchException($"{DiscoveryUrl} names jwks_uri \"{jwks.GetString()}\", which is not an http:// URL; serve the key set over http inside the cluster, as the OpenFaaS gateway does.");
                return (issuerText, keySetUrl);
            }
        }
        catch (JsonException e)
        {
            throw new KeyFetchException($"{DiscoveryUrl} did not answer with JSON ({e.Message}).", e);
        }
        throw new KeyFetchException($"{DiscoveryUrl} did not name an \"issuer\" and a \"jwks_uri\".");
    }

    private async Task<byte[]> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(FetchTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", "openfaas-watchdog");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        try
        {
            using var response = await _client.SendAsync(request, deadline.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new KeyFetchException($"GET {url} answered {(int)response.StatusCode}, not 200.");
            if (response.Content.Headers.ContentLength > MaxDocumentBytes)
                throw new KeyFetchException($"GET {url} sent more than {MaxDocumentBytes} bytes.");
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            return await ReadBoundedAsync(body, url, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KeyFetchException($"GET {url} did not answer within {FetchTimeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e)
        {
            throw new KeyFetchException($"GET {url} failed: {Cause(e)}.", e);
        }
        catch (IOException e)
        {
            throw new KeyFetchException($"GET {url} failed while reading: {e.Message}", e);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream body, Uri url, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes)
                throw new KeyFetchException($"GET {url} sent more than {MaxDocumentBytes} bytes.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The socket's words ("Connection refused", "Name or service not known") rather than .NET's wrapper text.</summary>
    private static string Cause(HttpRequestException e) =>
        e.InnerException is SocketException socket ? socket.Message : e.Message;

    public void Dispose() => _client.Dispose();
}
