// bench/breakdown.sh's allocation measure (run by it; not a test). Bytes allocated per request,
// in this process (GC.GetTotalAllocatedBytes(true) before/after), for:
//   kestrel   the tests' LoopbackServer (bare Kestrel) answering POST 11 B with "ok\n", no forwarding
//   health    the watchdog's own server (WatchdogServer + RequestDispatcher) answering GET /_/health
//   proxy     the watchdog in mode=http (ProxyEndpoint, its forwarder, the per-call log line)
//             forwarding POST 11 B to a raw-socket upstream
//   forwarder the watchdog's forwarder alone (UpstreamExchange on its pool): the same head, read the 3 B answer
//   handler   the baseline the forwarder replaced, alone: SocketsHttpHandler (UpstreamConnections.Create) with
//             an HttpRequestMessage carrying the headers ForwardedRequest adds, SendAsync, read the 3 B answer
// The client and the upstream are blocking sockets on their own threads that allocate nothing per
// request, so every byte counted is the server side's. A second proxy pass samples what is allocated
// by type (the runtime's AllocationTick events, one about every 100 KB) and estimates objects.
//
// usage: dotnet run -c Release --project bench/alloc -- <requests-per-connection> <connections> <result-file>
// Everything is on 127.0.0.1; the watchdog's log lines go to this process's stdout.
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fwatchdog.Calls;
using Fwatchdog.Configuration;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Fwatchdog.Proxy;
using Fwatchdog.Telemetry;
using Fwatchdog.Tests.Support;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

var perConnection = int.Parse(args[0], CultureInfo.InvariantCulture);
var connections = int.Parse(args[1], CultureInfo.InvariantCulture);
var resultFile = args[2];
var results = new StringBuilder();
void Record(string key, object value) => results.Append(CultureInfo.InvariantCulture, $"{key}={value}\n");
Record("alloc.runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.Replace(' ', '_'));
Record("alloc.requests", (long)perConnection * connections);
Record("alloc.connections", connections);

var post = Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nxxxxxxxxxxx");
var health = Encoding.ASCII.GetBytes("GET /_/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
var ok = "ok\n"u8.ToArray();

using var upstream = new RawUpstream();

// 1. Bare Kestrel.
await using (var kestrel = await LoopbackServer.StartAsync(async context =>
             {
                 context.Response.ContentType = "text/plain";
                 context.Response.ContentLength = ok.Length;
                 await context.Response.Body.WriteAsync(ok);
             }))
    Record("alloc.kestrel.bytes_per_request", RawClient.Measure(kestrel.Port, post, perConnection, connections).ToString("F0", CultureInfo.InvariantCulture));

// 2 and 3. The watchdog's server in mode=http, composed as WatchdogHost and ProxyMode compose it.
using var log = WatchdogLog.Create(LogFormat.Text);
var options = new WatchdogOptions
{
    TempDirectory = Path.GetTempPath(),
    Mode = ExecutionMode.Http,
    UpstreamUrl = new Uri($"http://127.0.0.1:{upstream.Port}"),
    Port = Fwatchdog.Testing.FreePort.Next(),
    MetricsPort = Fwatchdog.Testing.FreePort.Next(),
    Fprocess = "raw upstream",
};
var endpoint = new IPEndPoint(IPAddress.Loopback, upstream.Port);
var metrics = new PrometheusMetrics();
var readiness = new UpstreamReadiness(endpoint, log.Logger);
var pool = new Fwatchdog.Proxy.Forwarding.UpstreamConnectionPool(endpoint, TimeProvider.System);
var limiter = new InflightLimiter(options.MaxInflight);
var proxy = new ProxyEndpoint(options, readiness, pool, limiter, log.Logger, log.CallLines);
var abandoned = new AbandonedConnections();
var state = new HealthState(null);
state.MarkAccepting();
var dispatcher = new RequestDispatcher(options.MetricsPort, proxy, new CallFinisher(options, metrics, log.Logger, abandoned),
    new HealthEndpoints(state, limiter), new MetricsEndpoint(metrics), metrics, log.Logger);
await using (var server = new WatchdogServer(options, dispatcher, new KestrelLogBridge(log.Logger, abandoned)))
{
    await server.StartAsync(CancellationToken.None);
    var neverExits = new TaskCompletionSource();
    _ = readiness.ProbeAsync(neverExits.Task);
    await readiness.Ready.WaitAsync(TimeSpan.FromSeconds(10));
    Record("alloc.health.bytes_per_request", RawClient.Measure(options.Port, health, perConnection, connections).ToString("F0", CultureInfo.InvariantCulture));
    Record("alloc.proxy.bytes_per_request", RawClient.Measure(options.Port, post, perConnection, connections).ToString("F0", CultureInfo.InvariantCulture));
    Record("alloc.proxy.upstream_requests", upstream.Requests);
    using (var sampler = new AllocationSampler())
    {
        RawClient.Measure(options.Port, post, perConnection, connections);
        sampler.Report(Record, (long)perConnection * connections);
    }
    using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
    await server.StopAsync(limit.Token);
    neverExits.TrySetResult();
}

// 4. The forwarder alone, and 5. the SocketsHttpHandler baseline alone.
Record("alloc.forwarder.bytes_per_request", (await ForwarderLoop.MeasureAsync(pool, perConnection, connections)).ToString("F0", CultureInfo.InvariantCulture));
pool.Dispose();
using (var handler = UpstreamConnections.Create(endpoint))
    Record("alloc.handler.bytes_per_request", (await HandlerLoop.MeasureAsync(handler, upstream.Port, perConnection, connections)).ToString("F0", CultureInfo.InvariantCulture));
File.WriteAllText(resultFile, results.ToString());
return 0;

/// <summary>K blocking keep-alive connections on their own threads, N requests each; nothing allocated per request.</summary>
internal static class RawClient
{
    public static double Measure(int port, byte[] request, int perConnection, int connections)
    {
        var sockets = new Socket[connections];
        for (var i = 0; i < connections; i++)
        {
            sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            sockets[i].Connect(IPAddress.Loopback, port);
        }
        using var start = new Barrier(connections + 1);
        using var warm = new Barrier(connections + 1);
        var threads = new Thread[connections];
        for (var i = 0; i < connections; i++)
        {
            var socket = sockets[i];
            threads[i] = new Thread(() =>
            {
                var buffer = new byte[16384];
                Run(socket, request, buffer, Math.Max(50, perConnection / 10)); // warm-up: pools, JIT tiers, first GCs
                warm.SignalAndWait();
                start.SignalAndWait();
                Run(socket, request, buffer, perConnection);
            }) { IsBackground = true };
            threads[i].Start();
        }
        warm.SignalAndWait();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        start.SignalAndWait();
        foreach (var thread in threads)
            thread.Join();
        var after = GC.GetTotalAllocatedBytes(precise: true);
        foreach (var socket in sockets)
            socket.Dispose();
        return (after - before) / (double)((long)perConnection * connections);
    }

    private static void Run(Socket socket, byte[] request, byte[] buffer, int count)
    {
        for (var n = 0; n < count; n++)
        {
            socket.Send(request);
            var have = 0;
            while (true)
            {
                var read = socket.Receive(buffer, have, buffer.Length - have, SocketFlags.None);
                if (read == 0)
                    throw new IOException("the server closed the connection");
                have += read;
                if (Http1.CompleteMessage(buffer.AsSpan(0, have)) is { } length)
                {
                    if (!buffer.AsSpan(0, 12).SequenceEqual("HTTP/1.1 200"u8))
                        throw new IOException("not a 200: " + Encoding.ASCII.GetString(buffer, 0, Math.Min(have, 200)));
                    if (length != have)
                        throw new IOException("more than one answer");
                    break;
                }
            }
        }
    }
}

/// <summary>The function's server: blocking sockets, a canned nginx-like answer, nothing allocated per request.</summary>
internal sealed class RawUpstream : IDisposable
{
    private static readonly byte[] Answer = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n");
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private long _requests;

    public RawUpstream()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        new Thread(Accept) { IsBackground = true }.Start();
    }

    public int Port { get; }
    public long Requests => Interlocked.Read(ref _requests);

    private void Accept()
    {
        while (true)
        {
            Socket socket;
            try { socket = _listener.Accept(); }
            catch (SocketException) { return; }
            catch (ObjectDisposedException) { return; }
            socket.NoDelay = true;
            new Thread(() => Serve(socket)) { IsBackground = true }.Start();
        }
    }

    private void Serve(Socket socket)
    {
        var buffer = new byte[65536];
        var have = 0;
        try
        {
            while (true)
            {
                var read = socket.Receive(buffer, have, buffer.Length - have, SocketFlags.None);
                if (read == 0)
                    return;
                have += read;
                while (Http1.CompleteMessage(buffer.AsSpan(0, have)) is { } length)
                {
                    socket.Send(Answer);
                    Interlocked.Increment(ref _requests);
                    buffer.AsSpan(length, have - length).CopyTo(buffer);
                    have -= length;
                }
            }
        }
        catch (SocketException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    public void Dispose() => _listener.Dispose();
}

internal static class Http1
{
    /// <summary>The length of the first complete message (head + Content-Length body), or null; no chunked bodies here.</summary>
    public static int? CompleteMessage(ReadOnlySpan<byte> data)
    {
        var end = data.IndexOf("\r\n\r\n"u8);
        if (end < 0)
            return null;
        var head = data[..end];
        var body = 0;
        var at = IndexOfIgnoreCase(head, "\r\ncontent-length:"u8);
        if (at >= 0)
        {
            var value = head[(at + 17)..];
            var i = 0;
            while (i < value.Length && value[i] == ' ')
                i++;
            while (i < value.Length && value[i] is >= (byte)'0' and <= (byte)'9')
                body = body * 10 + (value[i++] - '0');
        }
        var total = end + 4 + body;
        return data.Length >= total ? total : null;
    }

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> data, ReadOnlySpan<byte> lowerNeedle)
    {
        for (var i = 0; i + lowerNeedle.Length <= data.Length; i++)
        {
            var j = 0;
            while (j < lowerNeedle.Length && (data[i + j] | (data[i + j] is >= (byte)'A' and <= (byte)'Z' ? 0x20 : 0)) == lowerNeedle[j])
                j++;
            if (j == lowerNeedle.Length)
                return i;
        }
        return -1;
    }
}

/// <summary>The upstream pool alone: the request ForwardedRequest builds for POST 11 B, sent by K concurrent loops.</summary>
internal static class HandlerLoop
{
    public static async Task<double> MeasureAsync(HttpMessageInvoker pool, int port, int perConnection, int connections)
    {
        var url = new Uri($"http://127.0.0.1:{port}/");
        var body = new byte[11];
        var buffer = new byte[4096];
        async Task Loop(int count, byte[] scratch)
        {
            for (var n = 0; n < count; n++)
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Version = HttpVersion.Version11,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    Content = new ReadOnlyMemoryContent(body),
                };
                message.Headers.Host = "127.0.0.1:8080";
                message.Content.Headers.TryAddWithoutValidation("Content-Type", "text/plain");
                message.Headers.TryAddWithoutValidation("X-Call-Id", "2f9c17dc-bb56-35d5-0000-000000000001");
                message.Headers.TryAddWithoutValidation("X-Forwarded-For", "127.0.0.1");
                message.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
                using var response = await pool.SendAsync(message, CancellationToken.None).ConfigureAwait(false);
                await using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                while (await stream.ReadAsync(scratch).ConfigureAwait(false) > 0)
                {
                }
            }
        }
        var scratches = Enumerable.Range(0, connections).Select(_ => new byte[buffer.Length]).ToArray();
        await Task.WhenAll(scratches.Select(s => Task.Run(() => Loop(Math.Max(50, perConnection / 10), s))));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await Task.WhenAll(scratches.Select(s => Task.Run(() => Loop(perConnection, s))));
        var after = GC.GetTotalAllocatedBytes(precise: true);
        return (after - before) / (double)((long)perConnection * connections);
    }
}

/// <summary>What is allocated, by type: the runtime's AllocationTick events (one about every 100 KB of allocations).</summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, (long Bytes, long Samples, long SizeSum)> _byType = new();
    private volatile bool _on;

    public AllocationSampler() => _on = true;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: GCAllocationTick
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.PayloadNames is null)
            return;
        var type = "?";
        long amount = 0, size = 0;
        for (var i = 0; i < e.PayloadNames.Count; i++)
        {
            switch (e.PayloadNames[i])
            {
                case "TypeName": type = e.Payload![i] as string ?? "?"; break;
                case "AllocationAmount64": amount = Convert.ToInt64(e.Payload![i], CultureInfo.InvariantCulture); break;
                case "ObjectSize": size = Convert.ToInt64(e.Payload![i], CultureInfo.InvariantCulture); break;
            }
        }
        lock (_byType)
        {
            _byType.TryGetValue(type, out var sum);
            _byType[type] = (sum.Bytes + amount, sum.Samples + 1, sum.SizeSum + size);
        }
    }

    public void Report(Action<string, object> record, long requests)
    {
        _on = false;
        List<KeyValuePair<string, (long Bytes, long Samples, long SizeSum)>> rows;
        lock (_byType)
            rows = _byType.OrderByDescending(r => r.Value.Bytes).ToList();
        double objects = 0, bytes = 0;
        foreach (var (_, v) in rows)
        {
            bytes += v.Bytes;
            objects += v.SizeSum > 0 ? v.Bytes / (v.SizeSum / (double)v.Samples) : 0;
        }
        record("alloc.sampled.samples", rows.Sum(r => r.Value.Samples));
        record("alloc.sampled.bytes_per_request", (bytes / requests).ToString("F0", CultureInfo.InvariantCulture));
        record("alloc.sampled.objects_per_request", (objects / requests).ToString("F1", CultureInfo.InvariantCulture));
        var rank = 0;
        foreach (var (type, v) in rows.Take(25))
        {
            var average = v.SizeSum / (double)v.Samples;
            record($"alloc.type.{rank++}", $"{type.Replace(' ', '_')}|{v.Bytes / (double)requests:F1}|{v.Bytes / average / requests:F2}|{average:F0}|{v.Samples}");
        }
    }
}

/// <summary>The forwarder alone: the head ForwardedRequest writes for POST 11 B, sent by K concurrent loops on the watchdog's pool.</summary>
internal static class ForwarderLoop
{
    private static readonly byte[] Head = Encoding.ASCII.GetBytes(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: text/plain\r\nX-Call-Id: 2f9c17dc-bb56-35d5-0000-000000000001\r\n" +
        "X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\nContent-Length: 11\r\n\r\n0123456789\n");

    public static async Task<double> MeasureAsync(Fwatchdog.Proxy.Forwarding.UpstreamConnectionPool pool, int perConnection, int connections)
    {
        async Task Loop(int count)
        {
            for (var n = 0; n < count; n++)
            {
                var exchange = new Fwatchdog.Proxy.Forwarding.UpstreamExchange(pool, headRequest: false, upgradeRequested: false);
                await using (exchange.ConfigureAwait(false))
                {
                    exchange.Head.Write(Head);
                    await exchange.StartAsync(CancellationToken.None).ConfigureAwait(false);
                    while (!(await exchange.ReadBodyAsync(CancellationToken.None).ConfigureAwait(false)).IsEmpty)
                    {
                    }
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(() => Loop(Math.Max(50, perConnection / 10)))));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(() => Loop(perConnection))));
        var after = GC.GetTotalAllocatedBytes(precise: true);
        return (after - before) / (double)((long)perConnection * connections);
    }
}
