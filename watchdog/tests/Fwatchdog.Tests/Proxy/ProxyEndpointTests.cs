using System.Net;
using System.Net.Sockets;
using System.Text;
using Fwatchdog.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Proxy;

/// <summary>
/// mode=http through the in-process harness: how each way a forward can end is answered, logged
/// and counted — success, the upstream's failure (502), exec_timeout (504), the client leaving and
/// read_timeout — and that the answer streams as the upstream writes it.
/// </summary>
public sealed class ProxyEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_upstreams_answer_is_relayed_with_its_status_headers_and_body_and_counted_a_success()
    {
        await using var proxy = await InProcessProxy.StartAsync(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.Headers["X-From-Function"] = "yes";
            context.Response.ContentLength = 12;
            await context.Response.WriteAsync("hello " + context.Request.Path);
        });

        using var response = await proxy.Client.PostAsync("/greet?x=1&y=%20", new StringContent("body"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-From-Function").Single());
        Assert.Equal("hello /greet", await response.Content.ReadAsStringAsync());
        await proxy.Log.WaitForAsync("POST /greet?x=1&y=%20 - 201 Created - ContentLength: 12B (", Patience);
        Assert.Equal(1, proxy.Executions("success"));
    }

    [Fact]
    public async Task Each_piece_the_upstream_flushes_reaches_the_client_before_the_upstream_finishes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = await InProcessProxy.StartAsync(async context =>
        {
            await context.Response.WriteAsync("first\n");
            await context.Response.Body.FlushAsync();
            await release.Task.WaitAsync(Patience);
            await context.Response.WriteAsync("second\n");
        });

        using var response = await proxy.Client.GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        var first = await body.ReadAsync(buffer).AsTask().WaitAsync(Patience);
        Assert.Equal("first\n", Encoding.ASCII.GetString(buffer, 0, first));

        release.SetResult();
        using var rest = new StreamReader(body);
        Assert.Equal("second\n", await rest.ReadToEndAsync().WaitAsync(Patience));
    }

    [Fact]
    public async Task An_upstream_that_closes_without_answering_is_a_502_naming_the_cause()
    {
        await using var proxy = await InProcessProxy.StartAsync(context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });

        using var response = await proxy.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.StartsWith("Bad gateway: ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("of-watchdog", response.Headers.GetValues("X-OpenFaaS-Internal").Single());
        await proxy.Log.WaitForAsync("Upstream request to http://127.0.0.1:", Patience);
        Assert.Equal(1, proxy.Executions("error"));
    }

    [Fact]
    public async Task An_upstream_slower_than_exec_timeout_is_a_504_and_counted_a_timeout()
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = await InProcessProxy.StartAsync(async context =>
        {
            try { await Task.Delay(Timeout.Infinite, context.RequestAborted); }
            catch (OperationCanceledException) { released.TrySetResult(); }
        }, options => options with { ExecTimeout = TimeSpan.FromMilliseconds(200) });

        using var response = await proxy.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("The function did not answer within exec_timeout (200ms).\n", await response.Content.ReadAsStringAsync());
        await released.Task.WaitAsync(Patience); // the upstream request was aborted, not left running
        Assert.Equal(1, proxy.Executions("timeout"));
    }

    [Fact]
    public async Task A_client_that_goes_away_aborts_the_upstream_request_and_is_counted_killed()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = await InProcessProxy.StartAsync(async context =>
        {
            started.TrySetResult();
            try { await Task.Delay(Timeout.Infinite, context.RequestAborted); }
            catch (OperationCanceledException) { aborted.TrySetResult(); }
        });

        using var leaving = new CancellationTokenSource();
        var call = proxy.Client.GetAsync("/", leaving.Token);
        await started.Task.WaitAsync(Patience);
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        await aborted.Task.WaitAsync(Patience);
        await proxy.Log.WaitForAsync("Client disconnected; the upstream request was aborted.", Patience);
        await proxy.Log.WaitForAsync("GET / - ", Patience);
        Assert.Equal(1, proxy.Executions("killed"));
    }

    [Fact]
    public async Task A_body_not_sent_within_read_timeout_closes_the_connection_and_says_so()
    {
        await using var proxy = await InProcessProxy.StartAsync(async context =>
        {
            try { await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted); }
            catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException) { }
        }, options => options with { ReadTimeout = TimeSpan.FromMilliseconds(500) });

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, proxy.Options.Port);
        // Promises 100 bytes, sends 10, then stalls.
        await socket.SendAsync("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n0123456789"u8.ToArray(), SocketFlags.None);

        await proxy.Log.WaitForAsync("Reading the request body took longer than read_timeout (500ms)", Patience);
        using var closed = new CancellationTokenSource(Patience);
        var buffer = new byte[256];
        int read;
        try { read = await socket.ReceiveAsync(buffer, SocketFlags.None, closed.Token); }
        catch (SocketException) { read = 0; } // a reset is a close too
        Assert.Equal(0, read);
        Assert.DoesNotContain(proxy.Log.Lines, line => line.Contains("Client disconnected", StringComparison.Ordinal));
        Assert.Equal(1, proxy.Executions("killed"));
    }
}
