using Fwatchdog.Testing;
using YamlDotNet.RepresentationModel;

namespace Fwatchdog.Operations.Tests.Deploy;

/// <summary>The files under docker/deploy, loaded as YAML documents.</summary>
internal static class DeployFiles
{
    public static string Directory => Path.Combine(WatchdogBinary.RepositoryRoot(), "docker", "deploy");

    public static string TemplatesDirectory => Path.Combine(WatchdogBinary.RepositoryRoot(), "classic-templates", "template");

    /// <summary>Every document of a (possibly multi-document) YAML file under docker/deploy, each a mapping.</summary>
    public static IReadOnlyList<YamlMappingNode> Load(string name) => YamlNodes.LoadMappings(Path.Combine(Directory, name));

    /// <summary>The one document of <paramref name="kind"/> (Deployment, Service) in a Kubernetes manifest.</summary>
    public static YamlMappingNode OfKind(this IReadOnlyList<YamlMappingNode> documents, string kind)
    {
        var matches = documents.Where(d => d.TextOrNull("kind") == kind).ToList();
        return matches.Count == 1 ? matches[0] : throw new InvalidDataException($"Expected one {kind}, found {matches.Count}.");
    }
}
