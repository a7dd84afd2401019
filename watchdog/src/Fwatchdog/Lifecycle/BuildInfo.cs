namespace Fwatchdog.Lifecycle;

/// <summary>
/// Version and commit, stamped at build as "0.2.0+&lt;sha&gt;" into the generated <c>BuildStamp</c>
/// (Fwatchdog.csproj, WriteBuildStamp) rather than read from the assembly's attributes at run time:
/// the version is the git tag's (scripts/version.sh: "0.2.0" at tag v0.2.0, "0.2.1-dev.3" three
/// commits later, "0.0.0-dev" without a release tag), the commit is SourceRevisionId.
/// </summary>
public static class BuildInfo
{
    public static string Version => BuildStamp.InformationalVersion.Split('+')[0];

    public static string Commit => BuildStamp.InformationalVersion.Contains('+') ? BuildStamp.InformationalVersion.Split('+')[1] : "unknown";
}
