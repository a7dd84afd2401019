using Serilog;

namespace Fwatchdog.Authentication;

/// <summary>
/// The gateway's current keys, kept fresh — where the Go middleware fetches them once at start and
/// exits if it cannot:
/// <list type="bullet">
/// <item>start-up: fetched in the background, retried with backoff (<see cref="RetryDelays"/>)
///   until they arrive; meanwhile <see cref="Current"/> is null, so calls are refused with 503 and
///   health stays 503 — the watchdog neither crash-loops nor runs a function unauthenticated;</item>
/// <item>rotation: refetched every <see cref="RefreshInterval"/>, and at once when a token names an
///   unknown key, at most once per <see cref="UnknownKeyRefetchInterval"/> so unknown kids cannot
///   make the watchdog hammer the gateway;</item>
/// <item>a failed refresh keeps the keys it had.</item>
/// </list>
/// </summary>
public sealed class SigningKeyStore : IAsyncDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan UnknownKeyRefetchInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan[] RetryDelays = [.. new[] { 1, 2, 4, 8, 16, 30 }.Select(s => TimeSpan.FromSeconds(s))];

    private readonly IKeySource _source;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly bool _debug;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<bool> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private volatile TrustedKeys? _current;
    private volatile string _problem = "the keys have not been fetched yet";
    private Task<bool>? _fetching;
    private long _lastUnknownKeyFetch = long.MinValue;
    private Task? _loop;
    private int _disposed;

    public SigningKeyStore(IKeySource source, TimeProvider time, ILogger log, bool debug)
    {
        _source = source;
        _time = time;
        _log = log;
        _debug = debug;
    }

    /// <summary>The keys tokens are checked against; null until the first fetch succeeds.</summary>
    public TrustedKeys? Current => _current;

    /// <summary>Why there are no keys (the last fetch's failure), for the 503 answer and the log.</summary>
    public string Problem => _problem;

    /// <summary>True once keys are known; false if the watchdog stops first.</summary>
    public Task<bool> Loaded => _loaded.Task;

    public void Start() => _loop ??= KeepFreshAsync();

    /// <summary>
    /// A token named a kid that <paramref name="seen"/> lacks: fetch again unless a fetch is running
    /// (then join it) or one started within <see cref="UnknownKeyRefetchInterval"/>. Returns the keys
    /// to check the token against again, or null when nothing new can be had now.
    /// </summary>
    public async ValueTask<TrustedKeys?> RefetchForUnknownKeyAsync(TrustedKeys seen)
    {
        Task<bool>? fetch;
        lock (_gate)
        {
            fetch = _fetching is { IsCompleted: false } running ? running
                : _lastUnknownKeyFetch == long.MinValue || _time.GetElapsedTime(_lastUnknownKeyFetch) >= UnknownKeyRefetchInterval ? StartFetch(forUnknownKey: true)
                : null;
        }
        if (fetch is not null)
            await fetch.ConfigureAwait(false);
        var current = _current;
        return ReferenceEquals(current, seen) ? null : current;
    }

    private async Task KeepFreshAsync()
    {
        var failures = 0;
        while (!_stopping.IsCancellationRequested)
        {
            Task<bool> fetch;
            lock (_gate)
                fetch = _fetching is { IsCompleted: false } running ? running : StartFetch();
            var fetched = await fetch.ConfigureAwait(false);
            failures = fetched ? 0 : failures + 1;
            var delay = fetched ? RefreshInterval : RetryDelays[Math.Min(failures - 1, RetryDelays.Length - 1)];
            try
            {
                await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break; // stopping
            }
        }
        _loaded.TrySetResult(false);
    }

    /// <summary>Under <see cref="_gate"/>.</summary>
    private Task<bool> StartFetch(bool forUnknownKey = false)
    {
        if (forUnknownKey)
            _lastUnknownKeyFetch = _time.GetTimestamp();
        return _fetching = FetchAsync();
    }

    /// <returns>Whether the keys were fetched (changed or not).</returns>
    private async Task<bool> FetchAsync()
    {
        await Task.Yield(); // never run the fetch inline under the caller's lock
        FetchedKeys fetched;
        JsonWebKeySet keySet;
        try
        {
            fetched = await _source.FetchAsync(_stopping.Token).ConfigureAwait(false);
            keySet = JsonWebKeySet.Parse(fetched.KeySetDocument);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is KeyFetchException or FormatException)
        {
            var reason = e is FormatException ? $"the key set from {_source.DiscoveryUrl} cannot be read: {e.Message}" : e.Message;
            Failed(reason);
            return false;
        }
        if (keySet.Keys.Count == 0)
        {
            foreach (var skipped in keySet.Skipped)
                _log.Warning("JWT Auth: {reason}", skipped);
            Failed($"the key set at {fetched.KeySetUrl} has no key this watchdog can use");
            return false;
        }
        Apply(fetched, keySet);
        return true;
    }

    private void Failed(string reason)
    {
        if (_current is null)
        {
            _problem = reason.TrimEnd('.');
            _log.Error("JWT Auth: cannot load the gateway's signing keys: {reason} Function calls answer 503 until they load; retrying.", reason);
        }
        else
        {
            _log.Warning("JWT Auth: refreshing the gateway's signing keys failed: {reason} The keys fetched before stay in use.", reason);
        }
    }

    private void Apply(FetchedKeys fetched, JsonWebKeySet keySet)
    {
        var previous = _current;
        if (previous is not null && previous.SameAs(fetched.Issuer, fetched.KeySetDocument))
            return;
        foreach (var skipped in keySet.Skipped)
            _log.Warning("JWT Auth: {reason}", skipped);
        _current = new TrustedKeys(fetched.Issuer, keySet.Keys, fetched.KeySetDocument);
        _log.Information("JWT Auth: {state} {count} signing keys from {url} (kid {kids}), issuer {issuer}",
            previous is null ? "loaded" : "reloaded", keySet.Keys.Count, fetched.KeySetUrl, string.Join(", ", keySet.Keys.Keys), fetched.Issuer);
        if (_debug)
            _log.Information("[JWT Auth] Issuer: {issuer}\tJWKS URI: {url}", fetched.Issuer, fetched.KeySetUrl);
        _loaded.TrySetResult(true);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stopping.Cancel();
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        Task? fetching;
        lock (_gate)
            fetching = _fetching;
        if (fetching is not null)
            await fetching.ConfigureAwait(false);
        _loaded.TrySetResult(false);
        _stopping.Dispose();
    }
}
