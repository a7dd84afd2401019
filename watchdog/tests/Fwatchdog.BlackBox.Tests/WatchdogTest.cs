using Fwatchdog.Testing;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Base for test classes: starts watchdogs whose log lines go to the xunit test output, so a
/// failure report shows what the watchdog said (and whether it crashed).
/// </summary>
public abstract class WatchdogTest(ITestOutputHelper output)
{
    protected ITestOutputHelper Output { get; } = output;

    protected Task<WatchdogProcess> StartAsync(string fprocess, params (string Name, string Value)[] variables) =>
        WatchdogProcess.StartAsync(WatchdogLaunch.For(fprocess, variables).LoggingTo(Output));

    protected Task<WatchdogProcess> StartAsync(WatchdogLaunch options) =>
        WatchdogProcess.StartAsync(options.LoggingTo(Output));

    protected Task<WatchdogProcess> RunToExitAsync(WatchdogLaunch options, TimeSpan timeout) =>
        WatchdogProcess.RunToExitAsync(options.LoggingTo(Output), timeout);
}
