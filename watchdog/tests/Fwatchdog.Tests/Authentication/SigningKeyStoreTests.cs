using Fwatchdog.Authentication;
using Fwatchdog.Testing.Tokens;
using Microsoft.Extensions.Time.Testing;
using Serilog;

namespace Fwatchdog.Tests.Authentication;

public sealed class SigningKeyStoreTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeKeySource _source = new();
    private readonly SigningKeyStore _store;
    private readonly TestSigningKey _first = TestSigningKey.Es256("first");
    private readonly TestSigningKey _second = TestSigningKey.Rs256("second");

    public SigningKeyStoreTests() => _store = new SigningKeyStore(_source, _time, new LoggerConfiguration().CreateLogger(), debug: false);

    /// <summary>
    /// Moves fake time on in steps until <paramref name="done"/> holds: the store's loop registers its
    /// next delay only after a fetch finishes, so one big jump could land before the timer exists.
    /// </summary>
    private async Task AdvanceUntilAsync(Func<bool> done, TimeSpan step, int maxSteps = 200)
    {
        for (var i = 0; i < maxSteps && !done(); i++)
        {
            _time.Advance(step);
            await Task.Delay(5);
        }
        Assert.True(done(), "the store never got there");
    }

    [Fact]
    public async Task Until_the_first_fetch_succeeds_there_are_no_keys_and_it_retries_with_backoff()
    {
        _source.Fail("GET http://gateway.openfaas:8080/.well-known/openid-configuration failed: Connection refused.");
        _store.Start();
        await _source.NextFetchAsync();
        await AdvanceUntilAsync(() => _source.Count >= 4, TimeSpan.FromSeconds(1));

        Assert.Null(_store.Current);
        Assert.False(_store.Loaded.IsCompleted);
        Assert.Contains("Connection refused", _store.Problem);

        _source.Serve(FunctionTokens.KeySet(_first.Jwk()));
        await AdvanceUntilAsync(() => _store.Loaded.IsCompleted, TimeSpan.FromSeconds(1));
        Assert.True(await _store.Loaded);
        Assert.Equal(["first"], _store.Current!.Keys.Keys);
    }

    [Fact]
    public async Task Backoff_grows_to_30_seconds_between_attempts()
    {
        _source.Fail("refused");
        _store.Start();
        await _source.NextFetchAsync();
        var started = _time.GetUtcNow();

        // 1 + 2 + 4 + 8 + 16 + 30 + 30 seconds of waiting for seven retries.
        await AdvanceUntilAsync(() => _source.Count >= 8, TimeSpan.FromMilliseconds(500), maxSteps: 400);

        var waited = _time.GetUtcNow() - started;
        Assert.InRange(waited.TotalSeconds, 91, 95);
    }

    [Fact]
    public async Task The_keys_are_refetched_periodically_a_changed_set_replaces_the_snapshot_and_a_failure_keeps_the_old_one()
    {
        _source.Serve(FunctionTokens.KeySet(_first.Jwk()));
        _store.Start();
        Assert.True(await _store.Loaded.WaitAsync(TimeSpan.FromSeconds(10)));
        var loaded = _store.Current!;

        await AdvanceUntilAsync(() => _source.Count >= 2, TimeSpan.FromMinutes(1));
        Assert.Same(loaded, _store.Current); // the same document: the snapshot and its cache stay

        _source.Serve(FunctionTokens.KeySet(_first.Jwk(), _second.Jwk()));
        await AdvanceUntilAsync(() => !ReferenceEquals(loaded, _store.Current), TimeSpan.FromMinutes(1));
        var rotated = _store.Current!;
        Assert.Equal(["first", "second"], rotated.Keys.Keys.Order());

        _source.Fail("the gateway is down");
        var fetches = _source.Count;
        await AdvanceUntilAsync(() => _source.Count > fetches, TimeSpan.FromMinutes(1));
        Assert.Same(rotated, _store.Current);
    }

    [Fact]
    public async Task An_unknown_kid_refetches_at_once_but_not_again_within_ten_seconds()
    {
        _source.Serve(FunctionTokens.KeySet(_first.Jwk()));
        _store.Start();
        Assert.True(await _store.Loaded.WaitAsync(TimeSpan.FromSeconds(10)));
        var loaded = _store.Current!;

        _source.Serve(FunctionTokens.KeySet(_first.Jwk(), _second.Jwk()));
        var refreshed = await _store.RefetchForUnknownKeyAsync(loaded);
        Assert.NotNull(refreshed);
        Assert.Contains("second", refreshed.Keys.Keys);
        Assert.Equal(2, _source.Count);

        Assert.Null(await _store.RefetchForUnknownKeyAsync(refreshed));
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Null(await _store.RefetchForUnknownKeyAsync(refreshed));
        Assert.Equal(2, _source.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await _store.RefetchForUnknownKeyAsync(refreshed)); // fetched again, nothing new
        Assert.Equal(3, _source.Count);
    }

    [Fact]
    public async Task Stopping_before_any_key_arrived_ends_the_wait_with_false()
    {
        _source.Fail("refused");
        _store.Start();
        await _source.NextFetchAsync();

        await _store.DisposeAsync();

        Assert.False(await _store.Loaded.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _first.Dispose();
        _second.Dispose();
    }
}
