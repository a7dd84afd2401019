using System.Net;
using Fwatchdog.IntegrationTests.Fixtures;
using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests;

/// <summary>A body 16 times the container's memory limit is streamed to the function, not held.</summary>
[Collection(DockerCollection.Name)]
public sealed class LargeUploadTests(DockerEnvironment environment)
{
    private const long OneGiB = 1L << 30;
    private const long MemoryLimit = 64L << 20;

    [Fact]
    public async Task One_GiB_upload_is_hashed_by_sha512sum_in_a_container_limited_to_64_MiB()
    {
        await using var container = await environment.StartListeningAsync(Template.Dockerfile, new Dictionary<string, string>
        {
            ["fprocess"] = "sha512sum",
            ["read_timeout"] = "300s",
            ["write_timeout"] = "300s",
        }, MemoryLimit);

        await using var body = new PatternStream(OneGiB);
        using var content = new StreamContent(body, 256 * 1024);
        content.Headers.ContentLength = OneGiB;
        using var response = await container.Http.PostAsync("", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OneGiB, body.Position); // the digest below covers the whole body, not a part of it
        Assert.Equal($"{body.HashHex()}  -", (await response.Content.ReadAsStringAsync()).TrimEnd('\n'));
        var state = (await container.InspectAsync()).State;
        Assert.True(state.Running, "the watchdog did not survive the upload");
        Assert.False(state.OOMKilled);
    }
}
