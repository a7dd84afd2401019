using Fwatchdog.Authentication.Cryptography;

namespace Fwatchdog.Authentication;

/// <summary>
/// One public key of the gateway's JWKS, with the algorithms it may verify. A token's "alg" must be
/// one the key's type allows (RS* for RSA; ES256 for P-256, ES384 for P-384) and, when the JWK
/// declares an "alg", exactly that one — so a token cannot choose how its key is used.
/// </summary>
public abstract class VerificationKey(string keyId, JwsAlgorithm? declared)
{
    public string KeyId { get; } = keyId;

    public bool Allows(JwsAlgorithm algorithm) => (declared is null || declared == algorithm) && TypeAllows(algorithm);

    protected abstract bool TypeAllows(JwsAlgorithm algorithm);

    /// <summary>Checks the signature over the token's signing input; call only for an algorithm <see cref="Allows"/> accepts.</summary>
    public abstract bool Verify(JwsAlgorithm algorithm, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature);
}

internal sealed class RsaVerificationKey(string keyId, JwsAlgorithm? declared, RsaPublicKey key) : VerificationKey(keyId, declared)
{
    protected override bool TypeAllows(JwsAlgorithm algorithm) => algorithm is JwsAlgorithm.RS256 or JwsAlgorithm.RS384 or JwsAlgorithm.RS512;

    public override bool Verify(JwsAlgorithm algorithm, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature) =>
        key.VerifyPkcs1(algorithm.Hash(), signingInput, signature);
}

internal sealed class EcVerificationKey(string keyId, JwsAlgorithm? declared, JwsAlgorithm curveAlgorithm, EcPublicKey key) : VerificationKey(keyId, declared)
{
    /// <summary>RFC 7518 §3.4 ties each ES algorithm to one curve.</summary>
    protected override bool TypeAllows(JwsAlgorithm algorithm) => algorithm == curveAlgorithm;

    public override bool Verify(JwsAlgorithm algorithm, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature) =>
        key.VerifyEcdsa(algorithm.Hash(), signingInput, signature);
}
