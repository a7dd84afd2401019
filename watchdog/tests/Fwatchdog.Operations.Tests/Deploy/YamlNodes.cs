using YamlDotNet.RepresentationModel;

namespace Fwatchdog.Operations.Tests.Deploy;

/// <summary>
/// Navigation over YamlDotNet's node model that fails with the path it was looking for, so a
/// broken manifest reports "spec.template.spec.containers[0].livenessProbe is missing" rather
/// than a bare KeyNotFoundException.
/// </summary>
internal static class YamlNodes
{
    /// <summary>Every document of a (possibly multi-document) YAML file, each a mapping.</summary>
    public static IReadOnlyList<YamlMappingNode> LoadMappings(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
            stream.Load(reader);
        return stream.Documents.Select(d => d.RootNode as YamlMappingNode
            ?? throw new InvalidDataException($"{path}: a document at line {d.RootNode.Start.Line} is not a mapping.")).ToList();
    }

    public static YamlMappingNode Map(this YamlMappingNode node, string key) =>
        Child(node, key) as YamlMappingNode ?? throw Missing(node, key, "a mapping");

    public static YamlSequenceNode Seq(this YamlMappingNode node, string key) =>
        Child(node, key) as YamlSequenceNode ?? throw Missing(node, key, "a sequence");

    public static string Text(this YamlMappingNode node, string key) =>
        TextOrNull(node, key) ?? throw Missing(node, key, "a scalar");

    public static string? TextOrNull(this YamlMappingNode node, string key) =>
        (Child(node, key) as YamlScalarNode)?.Value;

    public static bool Has(this YamlMappingNode node, string key) => Child(node, key) is not null;

    public static IEnumerable<YamlMappingNode> Maps(this YamlSequenceNode sequence) => sequence.Children.OfType<YamlMappingNode>();

    /// <summary>A mapping of scalars (labels, annotations, stack environment) as a dictionary.</summary>
    public static Dictionary<string, string> Strings(this YamlMappingNode node) =>
        node.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value ?? "", p => (p.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal);

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static InvalidDataException Missing(YamlMappingNode node, string key, string kind) =>
        new($"Expected {kind} at \"{key}\" under the node at line {node.Start.Line}; keys there: {string.Join(", ", node.Children.Keys)}.");
}
