namespace Fwatchdog.Authentication;

public enum TokenVerdictKind
{
    /// <summary>Signed by a gateway key, current, and granting this function.</summary>
    Admitted,
    /// <summary>Signed and current, but without a permission (or audience) for this function: 403.</summary>
    Forbidden,
    /// <summary>Missing, malformed, unsigned, forged, expired or for another issuer: 401.</summary>
    Unauthorized,
    /// <summary>Names a key the watchdog does not know (yet): the keys may have rotated.</summary>
    UnknownKey,
}

/// <summary>What a function token proved, with the reason a person reads when it proved too little.</summary>
/// <param name="Reason">One sentence without the token's own text, safe to answer and to log.</param>
/// <param name="ExpiresAt">The token's "exp" (Unix seconds) when its signature was verified, else 0: how long the verdict may be cached.</param>
public readonly record struct TokenVerdict(TokenVerdictKind Kind, string Reason, double ExpiresAt = 0)
{
    public static TokenVerdict Unauthorized(string reason) => new(TokenVerdictKind.Unauthorized, reason);

    public bool IsSigned => Kind is TokenVerdictKind.Admitted or TokenVerdictKind.Forbidden;
}
