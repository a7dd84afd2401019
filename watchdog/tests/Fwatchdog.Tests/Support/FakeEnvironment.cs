using Fwatchdog.Configuration;

namespace Fwatchdog.Tests.Support;

/// <summary>Reads configuration from an in-memory variable set instead of the process environment.</summary>
internal static class FakeEnvironment
{
    /// <summary>fprocess=cat plus <paramref name="variables"/> (which may override it).</summary>
    public static (WatchdogOptions Options, IReadOnlyList<string> Warnings) Read(params (string Name, string Value)[] variables)
    {
        var reader = Reader(variables.Prepend(("fprocess", "cat")).ToArray());
        var options = reader.Read();
        return (options, reader.Warnings);
    }

    /// <summary>Exactly <paramref name="variables"/>, nothing added.</summary>
    public static EnvironmentConfiguration Reader(params (string Name, string Value)[] variables)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
            values[name] = value;
        return new EnvironmentConfiguration(name => values.GetValueOrDefault(name));
    }
}
