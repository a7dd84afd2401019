namespace Fwatchdog.IntegrationTests.Support;

/// <summary>Reads the one-line fields of a template.yml (<c>language</c>, <c>fprocess</c>, <c>handler_folder</c>).</summary>
public static class TemplateYml
{
    public static string Fprocess(string templateFolder) => Field(templateFolder, "fprocess");

    public static string Language(string templateFolder) => Field(templateFolder, "language");

    public static string Field(string templateFolder, string name) =>
        Optional(templateFolder, name) ?? throw new InvalidOperationException($"{templateFolder}/template.yml has no {name}");

    public static string? Optional(string templateFolder, string name)
    {
        var prefix = name + ":";
        var line = File.ReadLines(Path.Combine(templateFolder, "template.yml")).SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line?[prefix.Length..].Trim().Trim('"');
    }

    /// <summary>Whether template.yml declares <c>build_options</c> (faas-cli's <c>--build-option</c>).</summary>
    public static bool HasBuildOptions(string templateFolder) =>
        File.ReadLines(Path.Combine(templateFolder, "template.yml")).Any(l => l.StartsWith("build_options:", StringComparison.Ordinal));
}
