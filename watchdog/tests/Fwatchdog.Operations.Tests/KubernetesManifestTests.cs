using System.Globalization;
using Fwatchdog.Operations.Tests.Deploy;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Fwatchdog.Operations.Tests;

/// <summary>
/// docker/deploy/kubernetes.yml against the watchdog's contract: probes on the watchdog's own
/// endpoints, the right ports, scrape annotations, and a grace period the shutdown fits in.
/// </summary>
public sealed class KubernetesManifestTests
{
    private readonly IReadOnlyList<YamlMappingNode> _documents = DeployFiles.Load("kubernetes.yml");

    private YamlMappingNode Deployment => _documents.OfKind("Deployment");
    private YamlMappingNode PodTemplate => Deployment.Map("spec").Map("template");
    private YamlMappingNode PodSpec => PodTemplate.Map("spec");
    private YamlMappingNode Container => PodSpec.Seq("containers").Maps().Single();
    private WatchdogSettings Settings => WatchdogSettings.From(Environment(Container));

    [Fact]
    public void Liveness_probes_health_and_readiness_probes_ready_on_the_function_port()
    {
        var liveness = Container.Map("livenessProbe").Map("httpGet");
        var readiness = Container.Map("readinessProbe").Map("httpGet");

        Assert.Equal("/_/health", liveness.Text("path"));
        Assert.Equal("/_/ready", readiness.Text("path"));
        Assert.Equal(Settings.Port, ResolvePort(liveness.Text("port")));
        Assert.Equal(Settings.Port, ResolvePort(readiness.Text("port")));
    }

    [Fact]
    public void The_container_exposes_8080_and_the_metrics_port_8081()
    {
        var ports = ContainerPorts();

        Assert.Equal(8080, Settings.Port);
        Assert.Equal(8081, Settings.MetricsPort);
        Assert.Contains(Settings.Port, ports.Values);
        Assert.Contains(Settings.MetricsPort, ports.Values);
    }

    [Fact]
    public void Pods_are_annotated_for_prometheus_to_scrape_the_metrics_port()
    {
        var annotations = PodTemplate.Map("metadata").Map("annotations").Strings();

        Assert.Equal("true", annotations.GetValueOrDefault("prometheus.io/scrape"));
        Assert.Equal(Settings.MetricsPort.ToString(CultureInfo.InvariantCulture), annotations.GetValueOrDefault("prometheus.io/port"));
        Assert.Equal("/metrics", annotations.GetValueOrDefault("prometheus.io/path"));
    }

    [Fact]
    public void Termination_grace_period_covers_healthcheck_interval_plus_write_timeout()
    {
        var grace = TimeSpan.FromSeconds(int.Parse(PodSpec.Text("terminationGracePeriodSeconds"), CultureInfo.InvariantCulture));

        Assert.True(grace >= Settings.ShutdownBudget,
            $"terminationGracePeriodSeconds {grace.TotalSeconds}s < healthcheck_interval {Settings.HealthcheckInterval.TotalSeconds}s"
            + $" + write_timeout {Settings.WriteTimeout.TotalSeconds}s: the kubelet would SIGKILL requests still draining.");
    }

    [Fact]
    public void Readiness_fails_within_healthcheck_interval_so_traffic_leaves_before_the_listener_closes()
    {
        var (period, failures) = ProbeTiming(Container.Map("readinessProbe"));

        Assert.True(TimeSpan.FromSeconds(period * failures) <= Settings.HealthcheckInterval,
            $"readiness needs {period * failures}s to fail, healthcheck_interval is {Settings.HealthcheckInterval.TotalSeconds}s.");
    }

    [Fact]
    public void Liveness_does_not_fail_before_a_draining_watchdog_has_had_its_shutdown_time()
    {
        // /_/health is 503 for the whole shutdown; a kubelet that keeps probing a terminating pod
        // must not reach the failure threshold and restart the container mid-drain.
        var (period, failures) = ProbeTiming(Container.Map("livenessProbe"));

        Assert.True(TimeSpan.FromSeconds(period * failures) > Settings.ShutdownBudget,
            $"liveness fails after {period * failures}s, the shutdown may take {Settings.ShutdownBudget.TotalSeconds}s.");
    }

    [Fact]
    public void Exec_timeout_fits_in_write_timeout_so_a_drain_can_wait_for_a_whole_execution()
    {
        Assert.True(Settings.ExecTimeout > TimeSpan.Zero, "exec_timeout is unset: a stuck function would hold a drain to the end.");
        Assert.True(Settings.ExecTimeout <= Settings.WriteTimeout,
            $"exec_timeout {Settings.ExecTimeout.TotalSeconds}s > write_timeout {Settings.WriteTimeout.TotalSeconds}s.");
    }

    [Fact]
    public void Service_and_deployment_select_the_pods_and_the_service_reaches_both_ports()
    {
        var podLabels = PodTemplate.Map("metadata").Map("labels").Strings();
        var deploymentSelector = Deployment.Map("spec").Map("selector").Map("matchLabels").Strings();
        var service = _documents.OfKind("Service").Map("spec");
        var serviceSelector = service.Map("selector").Strings();

        Assert.NotEmpty(deploymentSelector);
        Assert.NotEmpty(serviceSelector);
        Assert.All(deploymentSelector, label => Assert.Equal(label.Value, podLabels.GetValueOrDefault(label.Key)));
        Assert.All(serviceSelector, label => Assert.Equal(label.Value, podLabels.GetValueOrDefault(label.Key)));

        var targets = service.Seq("ports").Maps().ToDictionary(
            p => int.Parse(p.Text("port"), CultureInfo.InvariantCulture),
            p => ResolvePort(p.TextOrNull("targetPort") ?? p.Text("port")));
        Assert.Equal(Settings.Port, targets.GetValueOrDefault(8080));
        Assert.Equal(Settings.MetricsPort, targets.GetValueOrDefault(8081));
    }

    /// <summary>periodSeconds and failureThreshold, with Kubernetes' defaults (10s, 3) when unset.</summary>
    private static (int Period, int Failures) ProbeTiming(YamlMappingNode probe) =>
        (int.Parse(probe.TextOrNull("periodSeconds") ?? "10", CultureInfo.InvariantCulture),
         int.Parse(probe.TextOrNull("failureThreshold") ?? "3", CultureInfo.InvariantCulture));

    /// <summary>containerPort by name (unnamed ports keyed by their number).</summary>
    private Dictionary<string, int> ContainerPorts() =>
        Container.Seq("ports").Maps().ToDictionary(
            p => p.TextOrNull("name") ?? p.Text("containerPort"),
            p => int.Parse(p.Text("containerPort"), CultureInfo.InvariantCulture));

    /// <summary>A probe or Service port is a number or the name of a container port.</summary>
    private int ResolvePort(string port) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : ContainerPorts().TryGetValue(port, out var named) ? named : throw new InvalidDataException($"No container port named \"{port}\".");

    private static Dictionary<string, string> Environment(YamlMappingNode container) =>
        container.Has("env")
            ? container.Seq("env").Maps().ToDictionary(v => v.Text("name"), v => v.TextOrNull("value") ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
