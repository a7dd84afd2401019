using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// The runtime settings mode=http chooses for itself (a 4 MiB GC budget, by re-executing once at
/// start-up; inline socket completions) stay the watchdog's: the function's server never inherits
/// them, and an operator's own GC budget wins.
/// </summary>
public sealed class HttpModeRuntimeSettingsTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private static readonly string[] WatchdogOnly =
        ["DOTNET_GCgen0size=", "DOTNET_GCGen0MaxBudget=", "FWATCHDOG_GC_BUDGET=", "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS="];

    [Fact]
    public async Task The_watchdog_runs_with_the_larger_GC_budget_and_the_function_inherits_none_of_its_settings()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("MY_SETTING", "kept")));

        var own = ProcFs.Environment(watchdog.Pid);
        Assert.Contains("DOTNET_GCgen0size=400000", own);
        Assert.Contains("DOTNET_GCGen0MaxBudget=400000", own);
        var binaryName = Path.GetFileName(WatchdogBinary.Path);
        Assert.Equal(binaryName[..Math.Min(15, binaryName.Length)], ProcFs.Name(watchdog.Pid)); // re-executed under its own name
        var inherited = await UpstreamEnvironmentAsync(watchdog);
        Assert.Contains("MY_SETTING=kept", inherited);
        Assert.DoesNotContain(inherited, line => WatchdogOnly.Any(line.StartsWith));
        Assert.Equal(1, watchdog.Output.StdoutLines.Count(l => l.Contains("Version: ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_operators_own_GC_budget_is_kept_and_inherited()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("DOTNET_GCgen0size", "800000")));

        var own = ProcFs.Environment(watchdog.Pid);
        Assert.Contains("DOTNET_GCgen0size=800000", own);
        Assert.DoesNotContain(own, line => line.StartsWith("FWATCHDOG_GC_BUDGET=", StringComparison.Ordinal));
        Assert.Contains("DOTNET_GCgen0size=800000", await UpstreamEnvironmentAsync(watchdog));
    }

    [Fact]
    public async Task The_fork_modes_keep_the_built_in_budget()
    {
        await using var watchdog = await StartAsync("cat");

        Assert.DoesNotContain(ProcFs.Environment(watchdog.Pid), line => WatchdogOnly.Any(line.StartsWith));
    }

    private static async Task<string[]> UpstreamEnvironmentAsync(WatchdogProcess watchdog)
    {
        using var response = await watchdog.Client.GetAsync("/env", Limits.Quick);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
