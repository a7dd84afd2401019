using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Globalization;
using Fwatchdog.Calls;
using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Fwatchdog.Proxy.Forwarding;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Serilog;

namespace Fwatchdog.Proxy;

/// <summary>
/// mode=http: every path but the watchdog's own is forwarded to the function's server. The steps of
/// a forward, in order: refuse a malformed request (400, as in the fork modes), admit (max_inflight), refuse a body over max_request_bytes, arm exec_timeout
/// (or X-Timeout), hold a request that came before the server is up, open the body (streamed, or
/// read whole with http_buffer_req_body) under read_timeout, send, then relay the answer piece by
/// piece, each piece flushed as it arrives — or, for an upgrade, the session both ways. Each step
/// returns how the call ended as one <see cref="ForwardOutcome"/>, handed back as the call's
/// <see cref="CallOutcome"/>; <see cref="CallFinisher"/> answers, logs and counts it, and nothing here does.
/// </summary>
internal sealed class ProxyEndpoint : IFunctionEndpoint
{
    /// <summary>How long a request waits for a server that is still starting when exec_timeout is 0.</summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    private readonly WatchdogOptions _options;
    private readonly UpstreamReadiness _readiness;
    private readonly UpstreamConnectionPool _pool;
    private readonly ForwardedRequest _forwarded;
    private readonly InflightLimiter _limiter;
    private readonly ILogger _log;
    private readonly CallLineWriter? _callLines;

    /// <param name="callLines">The text log's direct path for the call line; null writes it through <paramref name="log"/>.</param>
    public ProxyEndpoint(WatchdogOptions options, UpstreamReadiness readiness, UpstreamConnectionPool pool, InflightLimiter limiter, ILogger log,
        CallLineWriter? callLines = null)
    {
        _options = options;
        _readiness = readiness;
        _pool = pool;
        _forwarded = new ForwardedRequest(options.UpstreamUrl!);
        _limiter = limiter;
        _log = log;
        _callLines = callLines;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<CallOutcome> HandleAsync(HttpContext context, long started)
    {
        // What Go's server would refuse never reaches the function's server either.
        if (Refusal.OfMalformed(context.Request) is { } malformed)
            return CallOutcome.Refused(malformed);
        if (!_limiter.TryEnter())
            return CallOutcome.Refused(_limiter.Refusal());
        try
        {
            var request = context.Request;
            var callId = CallId.From(request);
            context.Response.Headers[CallId.Header] = callId;
            var call = new ForwardedCall(context, started, new RequestLog(_log, _callLines, callId, request.Method, request.Path.Value ?? "/"));
            var outcome = await ForwardAsync(call, callId).ConfigureAwait(false);
            return CallOutcome.Forwarded(outcome, call);
        }
        finally
        {
            _limiter.Exit();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ForwardOutcome> ForwardAsync(ForwardedCall call, string callId)
    {
        var context = call.Context;
        if (_options.MaxRequestBytes > 0)
        {
            if (context.Request.ContentLength > _options.MaxRequestBytes)
                return new ForwardOutcome(ForwardEnd.RequestRejected, Rejection: RunEnd.InputTooLarge);
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
                sizeLimit.MaxRequestBodySize = _options.MaxRequestBytes;
        }

        // exec_timeout — or a shorter X-Timeout, as the of-watchdog applies it in http mode (but a value
        // that does not parse or is <= 0 is ignored, where Go's 0s turns the limit off) — covers the
        // whole call, the wait for a starting upstream included.
        var limit = RequestTimeout.Effective(_options.ExecTimeout, context.Request.Headers);
        call.Limit = limit;
        using var timeout = limit > TimeSpan.Zero ? new CancellationTokenSource(limit) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout.Token);
        call.Timeout = timeout;
        var token = linked?.Token ?? context.RequestAborted;

        if (!_readiness.IsReady && await HoldAsync(call, token).ConfigureAwait(false) is { } notReady)
            return notReady;

        // An upgrade (WebSocket or any other protocol) carries no body; the branch costs ordinary
        // requests one feature look-up.
        var upgrade = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } feature && context.Request.Headers.Upgrade.Count > 0
            ? feature : null;
        var exchange = new UpstreamExchange(_pool, HttpMethods.IsHead(context.Request.Method), upgrade is not null);
        await using (exchange.ConfigureAwait(false))
        {
            ResponseHead response;
            try
            {
                await WriteRequestAsync(call, exchange, callId, upgrade is not null, token).ConfigureAwait(false);
                response = await exchange.StartAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsCallFailure(e))
            {
                call.BytesIn += exchange.StreamedBytes;
                return Classify(call, e);
            }
            var relayed = upgrade is not null && response.Status == StatusCodes.Status101SwitchingProtocols
                ? await RelayUpgradedAsync(call, upgrade, response, exchange).ConfigureAwait(false)
                : await RelayAsync(call, exchange, response, token).ConfigureAwait(false);
            call.BytesIn += exchange.StreamedBytes;
            return relayed;
        }
    }

    /// <summary>Bodies this small that are already here go out with the head, in one write.</summary>
    private const int InlineBodyLimit = 16 * 1024;

    /// <summary>
    /// The request head, and its body: none; with the head when it is small and all here (or read whole
    /// first, with http_buffer_req_body); else streamed behind the head as it arrives, under read_timeout,
    /// with the client's Content-Length, or chunked when it sent none.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteRequestAsync(ForwardedCall call, UpstreamExchange exchange, string callId, bool upgrade, CancellationToken token)
    {
        var context = call.Context;
        var request = context.Request;
        var length = request.ContentLength;
        var hasBody = !upgrade && (length > 0 || (length is null && request.Headers.TransferEncoding.Count > 0));
        if (!hasBody)
        {
            _forwarded.WriteHead(context, callId, length == 0 ? RequestFraming.Length : RequestFraming.None, 0, upgrade, exchange.Head);
            return;
        }
        if (length <= InlineBodyLimit && request.BodyReader.TryRead(out var arrived))
        {
            if (arrived.Buffer.Length == length)
            {
                _forwarded.WriteHead(context, callId, RequestFraming.Length, length.Value, upgrade, exchange.Head);
                exchange.Head.Write(arrived.Buffer);
                request.BodyReader.AdvanceTo(arrived.Buffer.End);
                call.BytesIn = length.Value;
                return;
            }
            request.BodyReader.AdvanceTo(arrived.Buffer.Start); // not all here yet: streamed below
        }
        var body = new ReadDeadlineStream(request.Body, _options.ReadTimeout, context.Abort);
        call.Body = body;
        if (_options.BufferRequestBody)
        {
            await using (body.ConfigureAwait(false))
            {
                var buffered = new MemoryStream();
                await body.CopyToAsync(buffered, token).ConfigureAwait(false);
                _forwarded.WriteHead(context, callId, RequestFraming.Length, buffered.Length, upgrade, exchange.Head);
                exchange.Head.Write(buffered.GetBuffer().AsSpan(0, (int)buffered.Length));
                call.BytesIn = buffered.Length;
                return;
            }
        }
        _forwarded.WriteHead(context, callId, length is null ? RequestFraming.Chunked : RequestFraming.Length, length ?? 0, upgrade, exchange.Head);
        exchange.StreamBody = body;
        exchange.StreamChunked = length is null;
    }

    /// <summary>Holds a request that came before the upstream was up: null once it is, else how the call ended instead.</summary>
    private async Task<ForwardOutcome?> HoldAsync(ForwardedCall call, CancellationToken token)
    {
        bool ready;
        try
        {
            ready = await _readiness.Ready.WaitAsync(call.Timeout is null ? StartLimit : Timeout.InfiniteTimeSpan, token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new ForwardOutcome(ForwardEnd.UpstreamNotStarted);
        }
        catch (OperationCanceledException e)
        {
            return Classify(call, e);
        }
        return ready ? null : new ForwardOutcome(ForwardEnd.UpstreamExited);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ForwardOutcome> RelayAsync(ForwardedCall call, UpstreamExchange exchange, ResponseHead upstream, CancellationToken token)
    {
        var context = call.Context;
        var response = context.Response;
        var status = upstream.Status;
        response.StatusCode = status;
        call.UpstreamAnswered(upstream);
        CopyHeaders(upstream, response.Headers);
        // RFC 9112 §6.3: a chunked answer's Content-Length is ignored (chunked wins, and the parser
        // kept it out of the headers), and 204 and 304 have no body whatever they say. Passing a
        // length on otherwise would let the function cut the answer short or desynchronise the
        // client's kept-alive connection. A HEAD's length describes the GET's body, and goes along.
        if (upstream.ContentLength != ResponseHead.NoLength && !upstream.Chunked && status is not (StatusCodes.Status204NoContent or StatusCodes.Status304NotModified))
            response.ContentLength = upstream.ContentLength;
        response.Headers["X-Duration-Seconds"] = call.Seconds.ToString("F6", CultureInfo.InvariantCulture);
        if (exchange.Framing == BodyFraming.None)
            return ForwardOutcome.Relayed;

        var writer = response.BodyWriter;
        try
        {
            while (true)
            {
                var pending = exchange.ReadBodyAsync(token);
                if (!pending.IsCompleted && !response.HasStarted)
                    await response.StartAsync(token).ConfigureAwait(false); // headers out now: the body may take a while
                var piece = await pending.ConfigureAwait(false);
                if (piece.IsEmpty)
                    return ForwardOutcome.Relayed;
                var flushed = await writer.WriteAsync(piece, token).ConfigureAwait(false);
                call.BytesOut += piece.Length;
                if (flushed.IsCompleted)
                    return new ForwardOutcome(ForwardEnd.ClientGone); // Kestrel takes no more: the client's connection is gone
            }
        }
        catch (Exception e) when (IsCallFailure(e))
        {
            return Classify(call, e);
        }
    }

    /// <summary>
    /// The upstream switched protocols: answer the client's handshake with its 101 and headers, then
    /// relay until either side ends. exec_timeout (and X-Timeout) bounded the handshake only — a
    /// WebSocket lives as long as its two ends keep it, as in the of-watchdog, which applies none —
    /// and read_timeout/write_timeout do not cut an idle session. The session holds its max_inflight
    /// slot until it ends and is logged and counted once, then, with status 101.
    /// </summary>
    private static async ValueTask<ForwardOutcome> RelayUpgradedAsync(ForwardedCall call, IHttpUpgradeFeature upgrade, ResponseHead upstream, UpstreamExchange exchange)
    {
        var context = call.Context;
        var response = context.Response;
        call.UpstreamAnswered(upstream);
        CopyHeaders(upstream, response.Headers);
        response.Headers.Upgrade = upstream.Upgrade; // hop-by-hop, yet the handshake's point
        response.Headers["X-Duration-Seconds"] = call.Seconds.ToString("F6", CultureInfo.InvariantCulture);
        var server = exchange.Upgrade();
        Stream client;
        try
        {
            client = await upgrade.UpgradeAsync().ConfigureAwait(false); // sends the 101
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            return new ForwardOutcome(ForwardEnd.UpgradeFailed, e);
        }
        var session = new UpgradedSession(client, server);
        var ended = await session.RelayAsync(context.RequestAborted).ConfigureAwait(false);
        call.BytesIn += session.BytesFromClient;
        call.BytesOut += session.BytesFromUpstream;
        return new ForwardOutcome(ForwardEnd.Upgraded, Detail: ended);
    }

    private static bool IsCallFailure(Exception e) =>
        e is IOException or SocketException or OperationCanceledException or Microsoft.AspNetCore.Http.BadHttpRequestException;

    /// <summary>
    /// The one place a failed forward is classified, most specific cause first: read_timeout (which
    /// aborts the connection, so it must come before "client gone"), the client gone, the time limit,
    /// a request the client got wrong, and otherwise the upstream's fault.
    /// </summary>
    private static ForwardOutcome Classify(ForwardedCall call, Exception error)
    {
        var context = call.Context;
        if (call.Body?.Expired == true)
            return new ForwardOutcome(ForwardEnd.ReadTimeout, error);
        if (context.RequestAborted.IsCancellationRequested || UpstreamFailure.ClientLeft(error))
            return new ForwardOutcome(ForwardEnd.ClientGone, error);
        if (call.Timeout?.IsCancellationRequested == true)
            return new ForwardOutcome(ForwardEnd.Timeout, error);
        if (UpstreamFailure.ClientFault(error) is { } rejected && !context.Response.HasStarted)
            return new ForwardOutcome(ForwardEnd.RequestRejected, rejected, rejected.End);
        return new ForwardOutcome(ForwardEnd.UpstreamFailed, error);
    }

    /// <summary>The upstream's end-to-end headers (the parser kept out framing and hop-by-hop ones), a repeated one (Set-Cookie) as several values.</summary>
    private static void CopyHeaders(ResponseHead from, IHeaderDictionary to)
    {
        foreach (var (name, value) in from.Headers)
        {
            if (!to.TryAdd(name, value))
                to[name] = StringValues.Concat(to[name], value);
        }
    }
}
