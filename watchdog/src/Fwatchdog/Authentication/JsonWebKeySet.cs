using System.Text.Json;
using Fwatchdog.Authentication.Cryptography;

namespace Fwatchdog.Authentication;

/// <summary>
/// The gateway's signing keys, read from its JWKS document (RFC 7517 §5). Keys this watchdog cannot
/// use — no "kid", an encryption key, an unknown type, curve or algorithm, a weak or malformed key —
/// are left out with the reason, so one odd key never hides the others.
/// </summary>
public sealed class JsonWebKeySet
{
    private JsonWebKeySet(Dictionary<string, VerificationKey> keys, List<string> skipped)
    {
        Keys = keys;
        Skipped = skipped;
    }

    public IReadOnlyDictionary<string, VerificationKey> Keys { get; }

    /// <summary>One sentence per key left out, for the log.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <exception cref="FormatException">The document is not a JSON object with a "keys" array.</exception>
    public static JsonWebKeySet Parse(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"the key set is not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
                throw new FormatException("the key set has no \"keys\" array");

            var keys = new Dictionary<string, VerificationKey>(StringComparer.Ordinal);
            var skipped = new List<string>();
            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                if (TryRead(element, out var key, out var problem))
                {
                    if (!keys.TryAdd(key.KeyId, key))
                        skipped.Add($"key {index} repeats kid \"{key.KeyId}\"; the first one is used");
                }
                else
                {
                    skipped.Add($"key {index} is not used: {problem}");
                }
                index++;
            }
            return new JsonWebKeySet(keys, skipped);
        }
    }

    private static bool TryRead(JsonElement element, out VerificationKey key, out string problem)
    {
        key = null!;
        if (element.ValueKind != JsonValueKind.Object)
        {
            problem = "it is not a JSON object";
            return false;
        }
        var kid = Text(element, "kid");
        if (string.IsNullOrEmpty(kid))
        {
            problem = "it has no \"kid\", and tokens name their key by kid";
            return false;
        }
        if (Text(element, "use") is { } use && use != "sig")
        {
            problem = $"kid \"{kid}\" is for \"{use}\", not for signatures";
            return false;
        }
        JwsAlgorithm? declared = null;
        if (Text(element, "alg") is { } alg)
        {
            if (!JwsAlgorithms.TryParse(alg, out var parsed))
            {
                problem = $"kid \"{kid}\" declares \"alg\": \"{alg}\"; accepted: {JwsAlgorithms.Accepted}";
                return false;
            }
            declared = parsed;
        }
        try
        {
            switch (Text(element, "kty"))
            {
                case "RSA":
                    key = new RsaVerificationKey(kid, declared, new RsaPublicKey(Bytes(element, "n"), Bytes(element, "e")));
                    break;
                case "EC":
                    var (curve, algorithm) = Text(element, "crv") switch
                    {
                        "P-256" => (EcCurve.P256, JwsAlgorithm.ES256),
                        "P-384" => (EcCurve.P384, JwsAlgorithm.ES384),
                        var other => throw new ArgumentException($"curve \"{other}\" is not supported (P-256 and P-384 are)"),
                    };
                    key = new EcVerificationKey(kid, declared, algorithm, new EcPublicKey(curve, Bytes(element, "x"), Bytes(element, "y")));
                    break;
                case var kty:
                    problem = $"kid \"{kid}\" has key type \"{kty}\"; RSA and EC keys are supported";
                    return false;
            }
        }
        catch (ArgumentException e)
        {
            problem = $"kid \"{kid}\": {e.Message}";
            return false;
        }
        if (declared is { } declaredAlgorithm && !key.Allows(declaredAlgorithm))
        {
            problem = $"kid \"{kid}\" declares \"alg\": \"{declaredAlgorithm}\", which its key type cannot verify";
            return false;
        }
        problem = "";
        return true;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Bytes(JsonElement element, string name)
    {
        if (Text(element, name) is { } text && Base64Url.TryDecode(text, out var bytes) && bytes.Length > 0)
            return bytes;
        throw new ArgumentException($"\"{name}\" is missing or not base64url");
    }
}
