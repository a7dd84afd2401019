namespace Fwatchdog.IntegrationTests.Support;

/// <summary>Reads the one-line fields of a template.yml (enough for `language` and `fprocess`).</summary>
public static class TemplateYml
{
    public static string Fprocess(string templateFolder) => Field(templateFolder, "fprocess");

    public static string Field(string templateFolder, string name)
    {
        var prefix = name + ":";
        var line = File.ReadLines(Path.Combine(templateFolder, "template.yml")).SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{templateFolder}/template.yml has no {name}");
        return line[prefix.Length..].Trim().Trim('"');
    }
}
