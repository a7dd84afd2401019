using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests.Support;

/// <summary>
/// Where the repository and its templates are. The published watchdog binary is
/// <see cref="WatchdogBinary.Path"/> (FWATCHDOG_BINARY, else artifacts/fwatchdog; docs/contract.md).
/// </summary>
public static class RepositoryPaths
{
    public static string Root { get; } = WatchdogBinary.RepositoryRoot();

    public static string Templates => Path.Combine(Root, "classic-templates", "template");
}
