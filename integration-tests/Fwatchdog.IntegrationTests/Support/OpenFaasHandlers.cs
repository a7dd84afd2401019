namespace Fwatchdog.IntegrationTests.Support;

/// <summary>Handlers written for OpenFaaS's own templates (integration-tests/openfaas-handlers/&lt;name&gt;/).</summary>
public static class OpenFaasHandlers
{
    /// <summary>What a user moving a function over does: their handler folder's files replace the starter's.</summary>
    public static void ReplaceStarter(string handlerFolder, string openFaasHandler)
    {
        foreach (var file in Directory.EnumerateFiles(handlerFolder))
            File.Delete(file);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.OpenFaasHandlers, openFaasHandler)))
            File.Copy(file, Path.Combine(handlerFolder, Path.GetFileName(file)));
    }
}
