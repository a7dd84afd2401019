namespace Fwatchdog.Authentication;

/// <summary>
/// One fetch of the gateway's trust: its issuer and signing keys, and the tokens verified against
/// exactly these. A refresh that brings anything different replaces the whole snapshot, so a cached
/// verdict can never outlive the key that signed it.
/// </summary>
public sealed class TrustedKeys(string issuer, IReadOnlyDictionary<string, VerificationKey> keys, ReadOnlyMemory<byte> source)
{
    public string Issuer { get; } = issuer;

    public IReadOnlyDictionary<string, VerificationKey> Keys { get; } = keys;

    public VerifiedTokenCache Verified { get; } = new();

    /// <summary>True when a fresh fetch says the same: the snapshot (and its cache) can stay.</summary>
    public bool SameAs(string issuer, ReadOnlySpan<byte> keySetDocument) =>
        Issuer == issuer && source.Span.SequenceEqual(keySetDocument);
}
