using Microsoft.Extensions.Primitives;

namespace Fwatchdog.Authentication;

/// <summary>
/// Decides one call from its Authorization header: a cached verdict when the token was verified
/// before (no allocation), else <see cref="TokenValidator"/> against the current keys — and, for a
/// kid those keys lack, once more after <see cref="SigningKeyStore.RefetchForUnknownKeyAsync"/>.
/// Knows no HTTP beyond the header's values.
/// </summary>
public sealed class FunctionAuthenticator(SigningKeyStore keys, FunctionIdentity function, TimeProvider time)
{
    public FunctionIdentity Function => function;

    public ValueTask<Admission> AdmitAsync(StringValues authorization)
    {
        if (keys.Current is not { } trusted)
            return new(new Admission(AdmissionKind.Unavailable, $"the function's authentication keys are not loaded yet: {keys.Problem}"));
        if (authorization.Count > 1)
            return new(new Admission(AdmissionKind.Unauthorized, "failed to parse JWT token: the request has more than one Authorization header"));
        var token = BearerToken(authorization.ToString());
        if (token.IsEmpty)
            return new(Admission.NoToken);

        var now = time.GetUtcNow();
        if (trusted.Verified.TryGet(token, now, out var cached))
            return new(From(cached));
        var text = token.ToString();
        var verdict = Verify(text, trusted, now);
        return verdict.Kind == TokenVerdictKind.UnknownKey ? AfterRefetchAsync(text, trusted, verdict) : new(From(verdict));
    }

    private TokenVerdict Verify(string token, TrustedKeys trusted, DateTimeOffset now)
    {
        var verdict = TokenValidator.Validate(token, trusted, function.Reference, now);
        if (verdict.IsSigned)
            trusted.Verified.Add(token, verdict, now);
        return verdict;
    }

    private async ValueTask<Admission> AfterRefetchAsync(string token, TrustedKeys seen, TokenVerdict unknown)
    {
        if (await keys.RefetchForUnknownKeyAsync(seen).ConfigureAwait(false) is not { } refreshed)
            return From(unknown);
        return From(Verify(token, refreshed, time.GetUtcNow()));
    }

    private static Admission From(in TokenVerdict verdict) => verdict.Kind switch
    {
        TokenVerdictKind.Admitted => Admission.Admitted,
        TokenVerdictKind.Forbidden => new Admission(AdmissionKind.Forbidden, $"insufficient permissions: {verdict.Reason}"),
        _ => new Admission(AdmissionKind.Unauthorized, $"failed to parse JWT token: {verdict.Reason}"),
    };

    /// <summary>
    /// RFC 6750 §2.1: "Bearer" (case-insensitive, RFC 9110 §11.1), one space or more, the token —
    /// as a slice of the header, empty when there is none.
    /// </summary>
    private static ReadOnlySpan<char> BearerToken(string header)
    {
        const string Scheme = "Bearer";
        var value = header.AsSpan().Trim();
        if (value.Length <= Scheme.Length || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || value[Scheme.Length] != ' ')
            return [];
        return value[Scheme.Length..].TrimStart(' ');
    }
}
