using System.Globalization;
using Fwatchdog.Operations.Tests.Deploy;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Fwatchdog.Operations.Tests;

/// <summary>docker/deploy/stack.yml: every classic template deployed, scrapeable, and shut down inside faas-netes' grace period.</summary>
public sealed class StackFileTests
{
    /// <summary>
    /// faas-netes (CE) sets no terminationGracePeriodSeconds on function pods, so Kubernetes'
    /// default applies, whatever the function's timeouts.
    /// </summary>
    private static readonly TimeSpan KubernetesDefaultGracePeriod = TimeSpan.FromSeconds(30);

    private readonly YamlMappingNode _stack = DeployFiles.Load("stack.yml").Single();

    private IEnumerable<(string Name, YamlMappingNode Function)> Functions =>
        _stack.Map("functions").Children.Select(p => (((YamlScalarNode)p.Key).Value ?? "", (YamlMappingNode)p.Value));

    [Fact]
    public void Every_classic_template_has_a_function_and_every_function_uses_one()
    {
        var templates = Directory.GetDirectories(DeployFiles.TemplatesDirectory).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList();
        var languages = Functions.Select(f => f.Function.Text("lang")).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(templates);
        Assert.Equal(templates, languages);
        Assert.Equal("openfaas", _stack.Map("provider").Text("name"));
    }

    [Fact]
    public void Every_handler_folder_exists()
    {
        Assert.All(Functions, f =>
        {
            var handler = Path.GetFullPath(Path.Combine(DeployFiles.Directory, f.Function.Text("handler")));
            Assert.True(Directory.Exists(handler), $"{f.Name}: handler {handler} does not exist.");
        });
    }

    [Fact]
    public void Every_function_is_annotated_for_prometheus_to_scrape_its_metrics_port()
    {
        Assert.All(Functions, f =>
        {
            var annotations = f.Function.Map("annotations").Strings();
            var settings = WatchdogSettings.From(f.Function.Map("environment").Strings());
            Assert.Equal("true", annotations.GetValueOrDefault("prometheus.io.scrape"));
            Assert.Equal(settings.MetricsPort.ToString(CultureInfo.InvariantCulture), annotations.GetValueOrDefault("prometheus.io.port"));
        });
    }

    [Fact]
    public void Shutdown_fits_in_the_30s_grace_period_kubernetes_gives_faas_netes_pods()
    {
        Assert.All(Functions, f =>
        {
            var settings = WatchdogSettings.From(f.Function.Map("environment").Strings());
            Assert.True(settings.ShutdownBudget <= KubernetesDefaultGracePeriod,
                $"{f.Name}: healthcheck_interval {settings.HealthcheckInterval.TotalSeconds}s + write_timeout {settings.WriteTimeout.TotalSeconds}s"
                + $" exceeds the {KubernetesDefaultGracePeriod.TotalSeconds}s grace period faas-netes pods get.");
            Assert.True(settings.ExecTimeout > TimeSpan.Zero && settings.ExecTimeout <= settings.WriteTimeout,
                $"{f.Name}: exec_timeout {settings.ExecTimeout.TotalSeconds}s should be set and at most write_timeout.");
        });
    }
}
