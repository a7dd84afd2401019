using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests.Support;

/// <summary>
/// Where the repository and its templates are. The published watchdog binary is
/// <see cref="WatchdogBinary.Path"/> (FWATCHDOG_BINARY, else artifacts/fwatchdog; docs/contract.md).
/// </summary>
public static class RepositoryPaths
{
    public static string Root { get; } = WatchdogBinary.RepositoryRoot();

    /// <summary>The one source of the templates; <c>template/</c> at the root links here for faas-cli.</summary>
    public static string Templates => Path.Combine(Root, "classic-templates", "template");

    /// <summary>Handlers written for OpenFaaS's own templates, run unchanged in ours.</summary>
    public static string OpenFaasHandlers => Path.Combine(Root, "integration-tests", "openfaas-handlers");

    /// <summary>OpenFaaS's own templates laid out as a repository (<c>template/&lt;name&gt;/</c>) for <c>template pull</c>.</summary>
    public static string OpenFaasTemplates => Path.Combine(Root, "integration-tests", "openfaas-templates");
}
