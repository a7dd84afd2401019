using Microsoft.Extensions.Primitives;

namespace Fwatchdog.Authentication;

/// <summary>
/// Decides one call from its Authorization header: a cached verdict when the token was verified
/// before, else <see cref="TokenValidator"/> against the current keys — and, for a kid those keys
/// lack, once more after <see cref="SigningKeyStore.RefetchForUnknownKeyAsync"/>. Knows no HTTP
/// beyond the header's values.
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
        if (BearerToken(authorization.ToString()) is not { } token)
            return new(Admission.NoToken);

        var now = time.GetUtcNow();
        if (!trusted.Verified.TryGet(token, now, out var verdict))
        {
            verdict = TokenValidator.Validate(token, trusted, function.Reference, now);
            if (verdict.Kind == TokenVerdictKind.UnknownKey)
                return AfterRefetchAsync(token, trusted, verdict);
            if (verdict.IsSigned)
                trusted.Verified.Add(token, verdict, now);
        }
        return new(From(verdict));
    }

    private async ValueTask<Admission> AfterRefetchAsync(string token, TrustedKeys seen, TokenVerdict unknown)
    {
        if (await keys.RefetchForUnknownKeyAsync(seen).ConfigureAwait(false) is not { } refreshed)
            return From(unknown);
        var now = time.GetUtcNow();
        var verdict = TokenValidator.Validate(token, refreshed, function.Reference, now);
        if (verdict.IsSigned)
            refreshed.Verified.Add(token, verdict, now);
        return From(verdict);
    }

    private static Admission From(in TokenVerdict verdict) => verdict.Kind switch
    {
        TokenVerdictKind.Admitted => Admission.Admitted,
        TokenVerdictKind.Forbidden => new Admission(AdmissionKind.Forbidden, $"insufficient permissions: {verdict.Reason}"),
        _ => new Admission(AdmissionKind.Unauthorized, $"failed to parse JWT token: {verdict.Reason}"),
    };

    /// <summary>RFC 6750 §2.1: "Bearer" (the scheme is case-insensitive, RFC 9110 §11.1), one space or more, the token.</summary>
    private static string? BearerToken(string header)
    {
        const string Scheme = "Bearer";
        var value = header.AsSpan().Trim();
        if (value.Length <= Scheme.Length || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || value[Scheme.Length] != ' ')
            return null;
        var token = value[Scheme.Length..].TrimStart(' ');
        return token.Length == 0 ? null : token.ToString();
    }
}
