using Fwatchdog.Authentication;
using Fwatchdog.Configuration;

namespace Fwatchdog.Tests.Authentication;

public class FunctionIdentityTests
{
    private static FunctionIdentity Resolve(Dictionary<string, string> variables, string? namespaceFile = null) =>
        FunctionIdentity.Resolve(name => variables.GetValueOrDefault(name),
            path => path == FunctionIdentity.ServiceAccountNamespaceFile ? namespaceFile : null);

    [Fact]
    public void Name_and_namespace_come_from_the_OpenFaaS_variables()
    {
        var identity = Resolve(new() { ["OPENFAAS_NAME"] = "echo", ["OPENFAAS_NAMESPACE"] = "dev" }, namespaceFile: "ignored");

        Assert.Equal("dev:echo", identity.Reference);
    }

    [Fact]
    public void Without_OPENFAAS_NAMESPACE_the_service_account_file_names_the_namespace()
    {
        var identity = Resolve(new() { ["OPENFAAS_NAME"] = "echo" }, namespaceFile: "openfaas-fn\n");

        Assert.Equal("openfaas-fn:echo", identity.Reference);
    }

    [Fact]
    public void Without_a_name_start_up_stops_saying_what_to_set()
    {
        var e = Assert.Throws<ConfigurationException>(() => Resolve(new() { ["OPENFAAS_NAMESPACE"] = "dev" }));

        Assert.Contains("OPENFAAS_NAME is not set", e.Message);
    }

    [Fact]
    public void Without_any_namespace_start_up_stops_saying_what_to_set()
    {
        var e = Assert.Throws<ConfigurationException>(() => Resolve(new() { ["OPENFAAS_NAME"] = "echo" }));

        Assert.Contains("Set OPENFAAS_NAMESPACE", e.Message);
        Assert.Contains(FunctionIdentity.ServiceAccountNamespaceFile, e.Message);
    }
}
