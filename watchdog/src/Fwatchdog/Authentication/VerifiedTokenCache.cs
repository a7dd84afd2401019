using System.Collections.Concurrent;

namespace Fwatchdog.Authentication;

/// <summary>
/// Verdicts on tokens whose signature already verified, until the token's own expiry, so a client
/// that reuses its token (as gateways and SDKs do) pays a dictionary look-up per call instead of a
/// signature check. Bounded: at <see cref="Capacity"/> entries the expired ones go, and if that is
/// not enough the cache starts over — a flood of distinct valid tokens costs CPU, never memory.
/// Only signed verdicts (admitted, forbidden) are stored: a forged token must never be remembered.
/// </summary>
public sealed class VerifiedTokenCache
{
    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<string, TokenVerdict> _verdicts;
    private readonly ConcurrentDictionary<string, TokenVerdict>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public VerifiedTokenCache()
    {
        _verdicts = new ConcurrentDictionary<string, TokenVerdict>(StringComparer.Ordinal);
        _bySpan = _verdicts.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _verdicts.Count;

    /// <summary>Looked up by the token's characters as they sit in the header: a hit allocates nothing.</summary>
    public bool TryGet(ReadOnlySpan<char> token, DateTimeOffset now, out TokenVerdict verdict)
    {
        if (_bySpan.TryGetValue(token, out verdict))
        {
            if (!IsExpired(verdict, now))
                return true;
            _bySpan.TryRemove(token, out _);
        }
        verdict = default;
        return false;
    }

    public void Add(string token, TokenVerdict verdict, DateTimeOffset now)
    {
        if (!verdict.IsSigned)
            throw new ArgumentException("Only verdicts on verified signatures may be cached.", nameof(verdict));
        if (_verdicts.Count >= Capacity)
            Evict(now);
        _verdicts[token] = verdict;
    }

    private void Evict(DateTimeOffset now)
    {
        foreach (var (token, verdict) in _verdicts)
        {
            if (IsExpired(verdict, now))
                _verdicts.TryRemove(token, out _);
        }
        if (_verdicts.Count >= Capacity)
            _verdicts.Clear();
    }

    private static bool IsExpired(in TokenVerdict verdict, DateTimeOffset now) =>
        now.ToUnixTimeMilliseconds() / 1000.0 > verdict.ExpiresAt + TokenValidator.Leeway.TotalSeconds;
}
