namespace Fwatchdog.Lifecycle;

/// <summary>
/// Version and commit, stamped at build as "0.1.0+abc1234" into the generated <c>BuildStamp</c>
/// (Fwatchdog.csproj, WriteBuildStamp) rather than read from the assembly's attributes at run time.
/// </summary>
public static class BuildInfo
{
    public static string Version => BuildStamp.InformationalVersion.Split('+')[0];

    public static string Commit => BuildStamp.InformationalVersion.Contains('+') ? BuildStamp.InformationalVersion.Split('+')[1] : "unknown";
}
