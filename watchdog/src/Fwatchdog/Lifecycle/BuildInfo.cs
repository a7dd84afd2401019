using System.Reflection;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// Version and commit, stamped into the assembly's informational version ("0.2.0+&lt;sha&gt;") at build:
/// the version is the git tag's (scripts/version.sh: "0.2.0" at tag v0.2.0, "0.2.1-dev.3" three
/// commits later, "0.0.0-dev" without a release tag), the commit is SourceRevisionId.
/// </summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0-dev";

    public static string Version => Informational.Split('+')[0];

    public static string Commit => Informational.Contains('+') ? Informational.Split('+')[1] : "unknown";
}
