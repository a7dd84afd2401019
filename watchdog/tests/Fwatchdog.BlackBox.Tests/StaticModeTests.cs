using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>mode=static: files under static_path, and nothing outside it.</summary>
public sealed class StaticModeTests(ITestOutputHelper output) : WatchdogTest(output), IDisposable
{
    private readonly TempDirectory _root = new("static-root");
    private readonly TempDirectory _outside = new("static-outside");

    private async Task<WatchdogProcess> StartStaticAsync()
    {
        File.WriteAllText(_root.File("index.html"), "<h1>home</h1>");
        Directory.CreateDirectory(_root.File("docs"));
        File.WriteAllText(Path.Combine(_root.File("docs"), "index.html"), "<h1>docs</h1>");
        File.WriteAllText(_root.File("data.json"), "0123456789");
        File.WriteAllText(_outside.File("secret.txt"), "secret");
        File.CreateSymbolicLink(_root.File("escape.txt"), _outside.File("secret.txt"));
        Directory.CreateSymbolicLink(_root.File("escape-dir"), _outside.Path);
        var options = new WatchdogLaunch();
        options.Environment["mode"] = "static";
        options.Environment["static_path"] = _root.Path;
        return await StartAsync(options);
    }

    [Fact]
    public async Task Directories_serve_their_index_and_files_get_a_content_type_by_extension()
    {
        await using var watchdog = await StartStaticAsync();

        using var home = await watchdog.Client.GetAsync("/", Limits.Quick);
        using var docs = await watchdog.Client.GetAsync("/docs/", Limits.Quick);
        using var redirect = await watchdog.Client.GetAsync("/docs?x=1", Limits.Quick);
        using var json = await watchdog.Client.GetAsync("/data.json", Limits.Quick);

        Assert.Equal("<h1>home</h1>", await home.BodyAsync());
        Assert.Equal("text/html", home.Content.Headers.ContentType?.MediaType);
        Assert.Equal("<h1>docs</h1>", await docs.BodyAsync());
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal("/docs/?x=1", redirect.Headers.Location?.OriginalString);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", json.Headers.AcceptRanges.Single());
    }

    [Theory]
    [InlineData("//docs")]
    [InlineData("///docs?x=1")]
    public async Task A_directory_redirect_never_leaves_the_host(string target)
    {
        await using var watchdog = await StartStaticAsync();

        var response = await RawHttp.ExchangeAsync(watchdog.Port,
            System.Text.Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), Limits.Quick);

        Assert.StartsWith("HTTP/1.1 301", response, StringComparison.Ordinal);
        // "//docs/" is scheme-relative: a browser follows it to the host "docs" (an open redirect).
        var location = response.Split("\r\n").Single(line => line.StartsWith("Location: ", StringComparison.OrdinalIgnoreCase))["Location: ".Length..];
        Assert.StartsWith("/docs/", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_range_gets_206_and_a_range_past_the_end_416()
    {
        await using var watchdog = await StartStaticAsync();

        using var middle = new HttpRequestMessage(HttpMethod.Get, "/data.json");
        middle.Headers.Range = new RangeHeaderValue(2, 4);
        using var partial = await watchdog.Client.SendAsync(middle);
        using var suffix = new HttpRequestMessage(HttpMethod.Get, "/data.json");
        suffix.Headers.Range = new RangeHeaderValue(null, 3);
        using var tail = await watchdog.Client.SendAsync(suffix);
        using var past = new HttpRequestMessage(HttpMethod.Get, "/data.json");
        past.Headers.Range = new RangeHeaderValue(50, null);
        using var unsatisfiable = await watchdog.Client.SendAsync(past);

        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("234", await partial.BodyAsync());
        Assert.Equal("bytes 2-4/10", partial.Content.Headers.ContentRange?.ToString());
        Assert.Equal("789", await tail.BodyAsync());
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
    }

    [Fact]
    public async Task Conditional_gets_with_the_etag_or_the_date_answer_304()
    {
        await using var watchdog = await StartStaticAsync();
        using var first = await watchdog.Client.GetAsync("/data.json", Limits.Quick);
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;

        using var byTag = new HttpRequestMessage(HttpMethod.Get, "/data.json");
        byTag.Headers.IfNoneMatch.Add(etag);
        using var byDate = new HttpRequestMessage(HttpMethod.Get, "/data.json");
        byDate.Headers.IfModifiedSince = lastModified;
        using var stale = new HttpRequestMessage(HttpMethod.Get, "/data.json");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));

        Assert.Equal(HttpStatusCode.NotModified, (await watchdog.Client.SendAsync(byTag)).StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, (await watchdog.Client.SendAsync(byDate)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await watchdog.Client.SendAsync(stale)).StatusCode);
    }

    [Theory]
    [InlineData("/missing.txt")]
    [InlineData("/../../../../etc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/docs/..%2F..%2F..%2Fetc/passwd")]
    [InlineData("/escape.txt")]
    [InlineData("/escape-dir/secret.txt")]
    public async Task Missing_files_and_every_way_out_of_static_path_are_404(string target)
    {
        await using var watchdog = await StartStaticAsync();

        var request = Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var status = await RawHttp.SendAndReadStatusAsync(watchdog.Port, request, Limits.Quick);

        Assert.True(status is 404 or 400, $"{target} answered {status}");
    }

    [Fact]
    public async Task Without_static_path_the_watchdog_does_not_start_and_says_what_to_set()
    {
        var options = new WatchdogLaunch { WaitForReady = false };
        options.Environment["mode"] = "static";
        await using var watchdog = await RunToExitAsync(options, Limits.Exit);

        Assert.Equal(1, watchdog.ExitCode);
        Assert.True(watchdog.Output.Contains("static_path"), watchdog.Output.Dump());
    }

    [Fact]
    public async Task An_unknown_mode_stops_start_up_listing_the_valid_modes()
    {
        var options = new WatchdogLaunch { Environment = WatchdogLaunch.For("cat", ("mode", "afterburn")).Environment, WaitForReady = false };
        await using var watchdog = await RunToExitAsync(options, Limits.Exit);

        Assert.Equal(1, watchdog.ExitCode);
        Assert.True(watchdog.Output.Contains("classic, streaming, serializing, http, static"), watchdog.Output.Dump());
    }

    public void Dispose()
    {
        _root.Dispose();
        _outside.Dispose();
    }
}
