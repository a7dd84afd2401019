using Fwatchdog.Authentication;

namespace Fwatchdog.Tests.Authentication;

public class VerifiedTokenCacheTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);

    private static TokenVerdict AdmittedUntil(DateTimeOffset expiry) => new(TokenVerdictKind.Admitted, "", expiry.ToUnixTimeSeconds());

    [Fact]
    public void A_verdict_is_served_until_the_token_expires_plus_the_leeway()
    {
        var cache = new VerifiedTokenCache();
        cache.Add("t", AdmittedUntil(Now.AddSeconds(10)), Now);

        Assert.True(cache.TryGet("t", Now.AddSeconds(11), out _));
        Assert.False(cache.TryGet("t", Now.AddSeconds(11.5), out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Unsigned_verdicts_are_never_stored()
    {
        var cache = new VerifiedTokenCache();

        Assert.Throws<ArgumentException>(() => cache.Add("t", TokenVerdict.Unauthorized("forged"), Now));
        Assert.Throws<ArgumentException>(() => cache.Add("t", new TokenVerdict(TokenVerdictKind.UnknownKey, "?"), Now));
    }

    [Fact]
    public void At_capacity_expired_entries_go_first_and_the_cache_never_grows_past_it()
    {
        var cache = new VerifiedTokenCache();
        for (var i = 0; i < VerifiedTokenCache.Capacity - 1; i++)
            cache.Add($"short-{i}", AdmittedUntil(Now.AddSeconds(1)), Now);
        cache.Add("long", AdmittedUntil(Now.AddHours(1)), Now);

        cache.Add("new", AdmittedUntil(Now.AddHours(1)), Now.AddMinutes(1));

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("long", Now.AddMinutes(1), out _));

        for (var i = 0; i < 3 * VerifiedTokenCache.Capacity; i++)
            cache.Add($"valid-{i}", AdmittedUntil(Now.AddHours(1)), Now);
        Assert.InRange(cache.Count, 1, VerifiedTokenCache.Capacity);
    }
}
