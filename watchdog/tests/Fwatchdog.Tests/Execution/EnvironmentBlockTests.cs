using System.Runtime.InteropServices;
using Fwatchdog.Execution.Native;

namespace Fwatchdog.Tests.Execution;

/// <summary>envp as the function gets it: inherited variables, then the given ones, each name once.</summary>
public sealed unsafe class EnvironmentBlockTests
{
    private static List<string> Build(IEnumerable<KeyValuePair<string, string>> inherited, KeyValuePair<string, string>[] extra)
    {
        using var environment = new EnvironmentBlock(inherited);
        var envp = environment.Build(extra);
        try
        {
            var entries = new List<string>();
            for (var entry = envp; *entry is not null; entry++)
                entries.Add(Marshal.PtrToStringUTF8((nint)(*entry))!);
            return entries;
        }
        finally
        {
            EnvironmentBlock.Free(envp);
        }
    }

    [Fact]
    public void A_request_variable_replaces_an_inherited_one_of_the_same_name()
    {
        var entries = Build([new("PATH", "/bin"), new("Http_Method", "stale")], [new("Http_Method", "POST")]);

        Assert.Equal(["PATH=/bin", "Http_Method=POST"], entries);
    }

    [Fact]
    public void Any_given_name_replaces_an_inherited_one_not_only_request_variables()
    {
        var entries = Build([new("PATH", "/bin"), new("DOTNET_GCgen0size", "100000")], [new("DOTNET_GCgen0size", "400000")]);

        Assert.Equal(["PATH=/bin", "DOTNET_GCgen0size=400000"], entries);
    }
}
