using System.Reflection;

namespace Fwatchdog.Lifecycle;

/// <summary>Version and commit, stamped into the assembly's informational version ("0.1.0+abc1234") at build.</summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static string Version => Informational.Split('+')[0];

    public static string Commit => Informational.Contains('+') ? Informational.Split('+')[1] : "unknown";
}
