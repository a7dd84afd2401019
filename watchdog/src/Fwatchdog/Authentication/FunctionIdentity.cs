using Fwatchdog.Configuration;

namespace Fwatchdog.Authentication;

/// <summary>
/// Which function this watchdog serves, as the OpenFaaS gateway names it in a token's
/// <c>function</c> claim: <c>&lt;namespace&gt;:&lt;name&gt;</c>. The name comes from
/// <c>OPENFAAS_NAME</c>; the namespace from <c>OPENFAAS_NAMESPACE</c>, else the Kubernetes
/// service-account file, as both Go watchdogs read them.
/// </summary>
public sealed record FunctionIdentity(string Namespace, string Name)
{
    public const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>The reference permissions and audiences are matched against.</summary>
    public string Reference { get; } = $"{Namespace}:{Name}";

    /// <param name="readFile">Returns the file's text, or null when it cannot be read (missing, unreadable).</param>
    /// <exception cref="ConfigurationException">Neither source names the function; the message says what to set.</exception>
    public static FunctionIdentity Resolve(Func<string, string?> getVariable, Func<string, string?> readFile)
    {
        var name = getVariable("OPENFAAS_NAME");
        if (string.IsNullOrEmpty(name))
            throw new ConfigurationException(
                "jwt_auth=true needs the function's name to check tokens against: OPENFAAS_NAME is not set. " +
                "OpenFaaS sets it on every function; when running elsewhere, set OPENFAAS_NAME and OPENFAAS_NAMESPACE.");
        var ns = getVariable("OPENFAAS_NAMESPACE");
        if (ns is null)
        {
            // Kubernetes writes the file without a newline; a hand-made one may end with one.
            ns = readFile(ServiceAccountNamespaceFile)?.Trim();
            if (string.IsNullOrEmpty(ns))
                throw new ConfigurationException(
                    $"jwt_auth=true needs the function's namespace: OPENFAAS_NAMESPACE is not set and {ServiceAccountNamespaceFile} cannot be read. " +
                    "Set OPENFAAS_NAMESPACE, e.g. OPENFAAS_NAMESPACE=openfaas-fn.");
        }
        return new FunctionIdentity(ns, name);
    }

    /// <summary>The file reader <see cref="Resolve"/> uses outside tests.</summary>
    public static string? ReadFileOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // deliberate: an absent service-account file is the ordinary case outside Kubernetes
        }
    }
}
