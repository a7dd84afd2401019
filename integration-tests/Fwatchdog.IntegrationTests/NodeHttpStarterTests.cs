using System.Net;
using System.Text;
using Fwatchdog.IntegrationTests.Fixtures;

namespace Fwatchdog.IntegrationTests;

/// <summary>
/// node-http-fwatchdog's starter handler is OpenFaaS's node20 starter (openfaas/templates,
/// template/node20/function/handler.js): it answers <c>{"body": JSON.stringify(event.body),
/// "content-type": ...}</c>. The expected answers are what node20 gives for the same request:
/// body-parser hands it JSON parsed and text as a string, and a request without
/// <c>Content-Type</c> arrives as <c>text/plain</c>.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class NodeHttpStarterTests(DockerEnvironment environment)
{
    public static Template NodeHttp => Template.Named("node-http" + Template.NameSuffix);

    public static TheoryData<string, string?, string> Requests => new()
    {
        { "{\"name\":\"world\"}", "application/json", "{\"body\":\"{\\\"name\\\":\\\"world\\\"}\",\"content-type\":\"application/json\"}" },
        { "world", "text/plain", "{\"body\":\"\\\"world\\\"\",\"content-type\":\"text/plain\"}" },
        { "world", null, "{\"body\":\"\\\"world\\\"\",\"content-type\":\"text/plain\"}" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Starter_answers_what_openfaas_node20s_starter_answers(string body, string? contentType, string expected)
    {
        await using var container = await environment.StartListeningAsync(NodeHttp);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await container.Http.PostAsync("", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }
}
