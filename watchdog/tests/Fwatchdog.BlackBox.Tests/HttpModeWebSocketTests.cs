using System.Net;
using System.Net.WebSockets;
using System.Text;
using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>mode=http forwards WebSocket upgrades, as today's of-watchdog does, with a real client.</summary>
public sealed class HttpModeWebSocketTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private static async Task<ClientWebSocket> ConnectAsync(WatchdogProcess watchdog, string pathAndQuery)
    {
        var socket = new ClientWebSocket();
        using var limit = new CancellationTokenSource(Limits.Quick);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{watchdog.Port}{pathAndQuery}"), limit.Token);
        return socket;
    }

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(ClientWebSocket socket)
    {
        using var limit = new CancellationTokenSource(Limits.Quick);
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, limit.Token);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
                return (result.MessageType, message.ToArray());
        }
    }

    [Fact]
    public async Task Text_and_a_1_MiB_binary_message_are_echoed_and_a_clean_close_is_one_call()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("exec_timeout", "1s")));
        var mark = upstream.File("session");

        using (var socket = await ConnectAsync(watchdog, $"/ws?mark={mark}"))
        {
            using var limit = new CancellationTokenSource(Limits.Quick);
            await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, limit.Token);
            var text = await ReceiveAsync(socket);
            Assert.Equal(WebSocketMessageType.Text, text.Type);
            Assert.Equal("hello", Encoding.UTF8.GetString(text.Data));

            // Longer than exec_timeout: the limit bounds the handshake, not the session.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var blob = PatternStream.Bytes(1024 * 1024);
            await socket.SendAsync(blob, WebSocketMessageType.Binary, true, limit.Token);
            var binary = await ReceiveAsync(socket);
            Assert.Equal(WebSocketMessageType.Binary, binary.Type);
            Assert.Equal(blob, binary.Data);

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", limit.Token);
            Assert.Equal(WebSocketState.Closed, socket.State);
        }

        Assert.True(await Eventually.TrueWithinAsync(() => File.Exists(mark) && File.ReadAllText(mark) == "closed", Limits.Quick));
        // The of-watchdog's ReverseProxy line for a WebSocket: the URI as sent, the code, the bytes relayed.
        var callLine = $"GET /ws?mark={mark} - 101 - Bytes: ";
        await watchdog.WaitForLineAsync(callLine, Limits.Quick);
        var metrics = await watchdog.MetricsClient.GetStringAsync("/metrics");
        Assert.Contains("http_requests_total{code=\"101\",method=\"get\"} 1", metrics);
        Assert.Equal(1, watchdog.Output.Count(line => line.Contains(callLine)));
    }

    [Fact]
    public async Task When_the_server_closes_the_client_sees_the_close()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        using var socket = await ConnectAsync(watchdog, $"/ws?close=1&mark={upstream.File("session")}");
        using var limit = new CancellationTokenSource(Limits.Quick);
        await socket.SendAsync(Encoding.UTF8.GetBytes("once"), WebSocketMessageType.Text, true, limit.Token);
        Assert.Equal("once", Encoding.UTF8.GetString((await ReceiveAsync(socket)).Data));

        var ended = await Record.ExceptionAsync(() => socket.ReceiveAsync(new byte[16], limit.Token));
        Assert.True(ended is WebSocketException || socket.State is WebSocketState.Aborted or WebSocketState.CloseReceived or WebSocketState.Closed,
            $"the session did not end: {socket.State} {ended}");
        Assert.False(limit.IsCancellationRequested, "the client waited for a close that never came");
    }

    [Fact]
    public async Task When_the_client_aborts_the_servers_connection_is_closed()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());
        var mark = upstream.File("session");

        var socket = await ConnectAsync(watchdog, $"/ws?mark={mark}");
        using (var limit = new CancellationTokenSource(Limits.Quick))
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes("hi"), WebSocketMessageType.Text, true, limit.Token);
            await ReceiveAsync(socket);
        }
        socket.Abort();
        socket.Dispose();

        Assert.True(await Eventually.TrueWithinAsync(() => File.Exists(mark), Limits.Quick), "the server's connection stayed open");
        Assert.Equal("gone", File.ReadAllText(mark));
    }

    [Fact]
    public async Task An_upstream_that_refuses_the_upgrade_answers_as_usual()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        var refused = await Record.ExceptionAsync(() => ConnectAsync(watchdog, "/status/403"));
        using var plain = await watchdog.Client.GetAsync("/ws", Limits.Quick);

        Assert.IsType<WebSocketException>(refused);
        Assert.Contains("403", refused.Message);
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode); // no Upgrade: the server's own 400
    }

    [Fact]
    public async Task An_open_session_holds_its_max_inflight_slot()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("max_inflight", "1")));

        using (var socket = await ConnectAsync(watchdog, $"/ws?mark={upstream.File("session")}"))
        {
            using var busy = await watchdog.Client.PostBodyAsync("", "/echo");
            Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
            using var limit = new CancellationTokenSource(Limits.Quick);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", limit.Token);
        }
        Assert.True(await Eventually.TrueWithinAsync(async () =>
        {
            using var free = await watchdog.Client.PostBodyAsync("", "/echo");
            return free.StatusCode == HttpStatusCode.OK;
        }, Limits.Quick), "the slot was not given back when the session ended");
    }
}
