using Fwatchdog.Telemetry;
using Fwatchdog.Testing;

namespace Fwatchdog.Tests.Telemetry;

/// <summary>The exposition must pass Prometheus' own parser and linter, not just our reading of the format.</summary>
public class PromtoolTests
{
    [Fact]
    public async Task Exposition_passes_promtool_check_metrics()
    {
        var metrics = new PrometheusMetrics();
        metrics.RequestStarted();
        metrics.RequestStarted();
        metrics.RequestCompleted("POST", 200, 0.02);
        metrics.RequestCompleted("PROPFIND", 405, 0.001);
        metrics.RequestStarted();
        metrics.FunctionCompleted(ExecutionOutcome.Success, 0, 0.02, 12, 34);
        metrics.FunctionCompleted(ExecutionOutcome.Error, 2, 1.5, 1, 0);
        metrics.FunctionCompleted(ExecutionOutcome.Error, 256, 0.3, 0, 0);
        metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);

        var (exitCode, output) = await Promtool.CheckMetricsAsync(Exposition.Render(metrics));

        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}");
    }
}
