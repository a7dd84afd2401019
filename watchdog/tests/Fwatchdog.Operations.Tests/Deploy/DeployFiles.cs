using Fwatchdog.Testing;
using YamlDotNet.RepresentationModel;

namespace Fwatchdog.Operations.Tests.Deploy;

/// <summary>The files under docker/deploy, loaded as YAML documents.</summary>
internal static class DeployFiles
{
    public static string Directory => Path.Combine(WatchdogBinary.RepositoryRoot(), "docker", "deploy");

    public static string TemplatesDirectory => Path.Combine(WatchdogBinary.RepositoryRoot(), "classic-templates", "template");

    /// <summary>Every document of a (possibly multi-document) YAML file, each a mapping.</summary>
    public static IReadOnlyList<YamlMappingNode> Load(string name)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Directory, name)))
            stream.Load(reader);
        return stream.Documents.Select(d => d.RootNode as YamlMappingNode
            ?? throw new InvalidDataException($"{name}: a document at line {d.RootNode.Start.Line} is not a mapping.")).ToList();
    }

    /// <summary>The one document of <paramref name="kind"/> (Deployment, Service) in a Kubernetes manifest.</summary>
    public static YamlMappingNode OfKind(this IReadOnlyList<YamlMappingNode> documents, string kind)
    {
        var matches = documents.Where(d => d.TextOrNull("kind") == kind).ToList();
        return matches.Count == 1 ? matches[0] : throw new InvalidDataException($"Expected one {kind}, found {matches.Count}.");
    }
}
