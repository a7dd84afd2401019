using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fwatchdog.IntegrationTests.Fixtures;
using Fwatchdog.IntegrationTests.Support;

namespace Fwatchdog.IntegrationTests;

/// <summary>
/// Handlers written for OpenFaaS's own templates (openfaas-handlers/) run in ours through the
/// watchdog, with a set of requests a user sends on day one: status codes and headers the handler
/// sets (two Set-Cookie values), JSON, text and form bodies, a thrown error, a handler slower than
/// exec_timeout. Each expected answer is what OpenFaaS's template under the Go watchdog gives,
/// except where classic-templates/README.md names a difference (said at the case). One image and
/// one container per handler; every request is bounded by exec_timeout or the client's timeout.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class OpenFaasHandlerRequestSetTests(DockerEnvironment environment)
{
    private static readonly TimeSpan ExecTimeout = TimeSpan.FromSeconds(2);

    private sealed record Case(string What, HttpMethod Method, string Path, string? Body, string? ContentType,
        HttpStatusCode Status, string ExpectedBody, Func<HttpResponseMessage, string?>? CheckHeaders = null, bool BodyIsPrefix = false);

    [Fact]
    public async Task Node22_handler_in_node_http_answers_the_request_set_as_node22_does()
    {
        var template = Template.Named("node-http" + Template.NameSuffix);
        var environmentVariables = template.ContainerEnvironment();
        environmentVariables["exec_timeout"] = $"{ExecTimeout.TotalSeconds}s";

        await RunAsync(template, "node22", environmentVariables,
        [
            new("status and headers set by the handler", HttpMethod.Post, "/created", "x", "text/plain", HttpStatusCode.Created, "{\"id\":1}",
                r => Expect(r.Headers.Location?.ToString(), "/items/1", "Location") ?? Expect(r.Content.Headers.ContentType?.MediaType, "application/json", "Content-Type")),
            new("two Set-Cookie values", HttpMethod.Get, "/cookies", null, null, HttpStatusCode.OK, "two cookies",
                r => Expect(string.Join(" | ", r.Headers.TryGetValues("Set-Cookie", out var v) ? v : []), "a=1; Path=/ | b=2; Path=/", "Set-Cookie")),
            new("JSON body, parsed", HttpMethod.Post, "/echo", "{\"a\":1}", "application/json", HttpStatusCode.OK,
                "{\"body\":{\"a\":1},\"type\":\"object\",\"content-type\":\"application/json\"}"),
            new("text body, a string", HttpMethod.Post, "/echo", "hello", "text/plain", HttpStatusCode.OK,
                "{\"body\":\"hello\",\"type\":\"string\",\"content-type\":\"text/plain\"}"),
            // Difference (README): node22 parses a form into an object; ours hands over the string.
            new("form body, the string", HttpMethod.Post, "/echo", "a=1&b=2", "application/x-www-form-urlencoded", HttpStatusCode.OK,
                "{\"body\":\"a=1&b=2\",\"type\":\"string\",\"content-type\":\"application/x-www-form-urlencoded\"}"),
            new("context.fail with a status", HttpMethod.Post, "/teapot", "x", "text/plain", (HttpStatusCode)418, "short and stout"),
            // Difference (README): node22 answers a thrown error with the context's status, 200.
            new("thrown error", HttpMethod.Post, "/throw", "x", "text/plain", HttpStatusCode.InternalServerError, "Error: the handler threw"),
            new("slower than exec_timeout", HttpMethod.Post, "/slow", "x", "text/plain", HttpStatusCode.GatewayTimeout,
                "The function did not answer within exec_timeout", BodyIsPrefix: true),
            new("a route the handler does not know", HttpMethod.Get, "/nowhere", null, null, HttpStatusCode.NotFound, "no route /nowhere"),
        ]);
    }

    [Fact]
    public async Task Classic_python3_handler_answers_the_request_set_as_openfaas_python3_does()
    {
        // OpenFaaS's classic python3 template prints the handler's return value (print: a newline
        // after it); a classic handler sets no status or header, so the set is bodies and failures.
        var template = Template.Named("python3" + Template.NameSuffix);
        var environmentVariables = template.ContainerEnvironment();
        environmentVariables["exec_timeout"] = $"{ExecTimeout.TotalSeconds}s";

        await RunAsync(template, "python3", environmentVariables,
        [
            new("text body", HttpMethod.Post, "/", "world", "text/plain", HttpStatusCode.OK, "world\n"),
            new("JSON body", HttpMethod.Post, "/", "{\"a\":1}", "application/json", HttpStatusCode.OK, "{\"a\":1}\n"),
            new("form body", HttpMethod.Post, "/", "a=1&b=2", "application/x-www-form-urlencoded", HttpStatusCode.OK, "a=1&b=2\n"),
            new("raised error: exit status 1, then the traceback (combine_output)", HttpMethod.Post, "/", "raise", "text/plain",
                HttpStatusCode.InternalServerError, "exit status 1\nTraceback", BodyIsPrefix: true),
            new("slower than exec_timeout", HttpMethod.Post, "/", "sleep", "text/plain", HttpStatusCode.RequestTimeout, "Killed process.\n"),
        ]);
    }

    /// <summary>Builds the template with the OpenFaaS handler in its handler folder, sends every case, and names each mismatch.</summary>
    private async Task RunAsync(Template template, string openFaasHandler, IReadOnlyDictionary<string, string> variables, IReadOnlyList<Case> cases)
    {
        var image = await environment.BuildFunctionAsync($"openfaas-{openFaasHandler}-set", template, template.Name,
            handler => OpenFaasHandlers.ReplaceStarter(handler, openFaasHandler));
        await using var container = await environment.StartListeningAsync(image, variables);
        await container.WaitUntilHealthyAsync();
        // Set-Cookie is read from the answer, not kept in a cookie jar.
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{container.Port}/"),
            Timeout = ExecTimeout + TimeSpan.FromSeconds(20),
        };

        var mismatches = new List<string>();
        foreach (var c in cases)
        {
            using var request = new HttpRequestMessage(c.Method, c.Path.TrimStart('/'));
            if (c.Body is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(c.Body));
                if (c.ContentType is not null)
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
            }
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var bodyMatches = c.BodyIsPrefix ? body.StartsWith(c.ExpectedBody, StringComparison.Ordinal) : body == c.ExpectedBody;
            if (response.StatusCode != c.Status || !bodyMatches)
                mismatches.Add($"{c.What}: {(int)response.StatusCode} {Quote(body)}, expected {(int)c.Status} {Quote(c.ExpectedBody)}{(c.BodyIsPrefix ? "..." : "")}");
            else if (c.CheckHeaders?.Invoke(response) is { } headerMismatch)
                mismatches.Add($"{c.What}: {headerMismatch}");
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    private static string? Expect(string? actual, string expected, string header) =>
        actual == expected ? null : $"{header} {Quote(actual ?? "(none)")}, expected {Quote(expected)}";

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The text as a JSON string: quoted, with newlines and control characters visible.</summary>
    private static string Quote(string text) => JsonSerializer.Serialize(text, Readable);
}
