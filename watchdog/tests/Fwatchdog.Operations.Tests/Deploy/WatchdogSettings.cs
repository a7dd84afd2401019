namespace Fwatchdog.Operations.Tests.Deploy;

/// <summary>
/// The watchdog settings a manifest's environment gives, with the contract's defaults filled in
/// (docs/contract.md): write_timeout 30s, healthcheck_interval = write_timeout, no exec_timeout,
/// port 8080, metrics_port 8081.
/// </summary>
internal sealed record WatchdogSettings(TimeSpan WriteTimeout, TimeSpan HealthcheckInterval, TimeSpan ExecTimeout, int Port, int MetricsPort)
{
    public static WatchdogSettings From(IReadOnlyDictionary<string, string> environment)
    {
        var write = Duration(environment, "write_timeout") ?? TimeSpan.FromSeconds(30);
        return new WatchdogSettings(
            write,
            Duration(environment, "healthcheck_interval") ?? write,
            Duration(environment, "exec_timeout") ?? TimeSpan.Zero,
            environment.TryGetValue("port", out var port) ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) : 8080,
            environment.TryGetValue("metrics_port", out var metrics) ? int.Parse(metrics, System.Globalization.CultureInfo.InvariantCulture) : 8081);
    }

    /// <summary>The longest the watchdog may run after SIGTERM: keep serving, then drain.</summary>
    public TimeSpan ShutdownBudget => HealthcheckInterval + WriteTimeout;

    private static TimeSpan? Duration(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var text) ? GoDurations.Parse(text) : null;
}
