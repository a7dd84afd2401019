using System.Net;
using System.Globalization;
using Fwatchdog.Calls;
using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
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
    private readonly HttpMessageInvoker _upstream;
    private readonly ForwardedRequest _forwarded;
    private readonly InflightLimiter _limiter;
    private readonly ILogger _log;

    public ProxyEndpoint(WatchdogOptions options, UpstreamReadiness readiness, HttpMessageInvoker upstream, InflightLimiter limiter, ILogger log)
    {
        _options = options;
        _readiness = readiness;
        _upstream = upstream;
        _forwarded = new ForwardedRequest(options.UpstreamUrl!);
        _limiter = limiter;
        _log = log;
    }

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
            var call = new ForwardedCall(context, started, new RequestLog(_log, callId, request.Method, request.Path.Value ?? "/"));
            var outcome = await ForwardAsync(call, callId).ConfigureAwait(false);
            return CallOutcome.Forwarded(outcome, call);
        }
        finally
        {
            _limiter.Exit();
        }
    }

    private async Task<ForwardOutcome> ForwardAsync(ForwardedCall call, string callId)
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
        RequestBodyContent? streamed = null;
        HttpResponseMessage response;
        try
        {
            var content = upgrade is null ? await OpenBodyAsync(call, token).ConfigureAwait(false) : null;
            streamed = content as RequestBodyContent;
            call.BytesIn = content is RequestBodyContent ? 0 : content?.Headers.ContentLength ?? 0;
            using var message = _forwarded.Create(context, content, callId, upgrade is not null);
            response = await _upstream.SendAsync(message, token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsCallFailure(e))
        {
            call.BytesIn += streamed?.BytesSent ?? 0;
            return Classify(call, e);
        }
        ForwardOutcome relayed;
        using (response)
        {
            relayed = upgrade is not null && response.StatusCode == HttpStatusCode.SwitchingProtocols
                ? await RelayUpgradedAsync(call, upgrade, response).ConfigureAwait(false)
                : await RelayAsync(call, response, token).ConfigureAwait(false);
        }
        call.BytesIn += streamed?.BytesSent ?? 0;
        return relayed;
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

    /// <summary>Null for no body; streamed as it arrives, or read whole first with http_buffer_req_body.</summary>
    private async Task<HttpContent?> OpenBodyAsync(ForwardedCall call, CancellationToken token)
    {
        var context = call.Context;
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (!hasBody)
            return request.ContentLength == 0 ? new ReadOnlyMemoryContent(ReadOnlyMemory<byte>.Empty) : null;
        var body = new ReadDeadlineStream(request.Body, _options.ReadTimeout, context.Abort);
        call.Body = body;
        if (!_options.BufferRequestBody)
            return new RequestBodyContent(body, request.ContentLength);
        await using (body)
        {
            var buffered = new MemoryStream();
            await body.CopyToAsync(buffered, token).ConfigureAwait(false);
            return new ByteArrayContent(buffered.GetBuffer(), 0, (int)buffered.Length);
        }
    }

    private static async Task<ForwardOutcome> RelayAsync(ForwardedCall call, HttpResponseMessage upstream, CancellationToken token)
    {
        var context = call.Context;
        var response = context.Response;
        if (HeaderWithControlCharacter(upstream) is { } invalid)
            return new ForwardOutcome(ForwardEnd.UpstreamFailed,
                new InvalidDataException($"the function's server sent a control character in its {invalid} header"));
        var status = (int)upstream.StatusCode;
        response.StatusCode = status;
        call.UpstreamAnswered(upstream);
        CopyHeaders(upstream.Headers, response.Headers);
        // RFC 9112 §6.3: a chunked answer's Content-Length is ignored (chunked wins), and 204 and 304
        // have no body whatever they say. Passing the length on would let the function cut the
        // answer short or desynchronise the client's kept-alive connection.
        var bodiless = status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified;
        CopyHeaders(upstream.Content.Headers, response.Headers, dropLength: bodiless || upstream.Headers.TransferEncodingChunked == true);
        response.Headers["X-Duration-Seconds"] = call.Seconds.ToString("F6", CultureInfo.InvariantCulture);
        if (bodiless)
            return ForwardOutcome.Relayed;

        var buffer = new CopyBuffer();
        try
        {
            await using var body = await upstream.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            while (true)
            {
                var pending = body.ReadAsync(buffer.Memory, token);
                if (!pending.IsCompleted && !response.HasStarted)
                    await response.Body.FlushAsync(token).ConfigureAwait(false); // headers out now: the body may take a while
                var read = await pending.ConfigureAwait(false);
                if (read == 0)
                    return ForwardOutcome.Relayed;
                await response.Body.WriteAsync(buffer.Memory[..read], token).ConfigureAwait(false);
                call.BytesOut += read;
                buffer.Observe(read);
            }
        }
        catch (Exception e) when (IsCallFailure(e))
        {
            return Classify(call, e);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>
    /// The upstream switched protocols: answer the client's handshake with its 101 and headers, then
    /// relay until either side ends. exec_timeout (and X-Timeout) bounded the handshake only — a
    /// WebSocket lives as long as its two ends keep it, as in the of-watchdog, which applies none —
    /// and read_timeout/write_timeout do not cut an idle session. The session holds its max_inflight
    /// slot until it ends and is logged and counted once, then, with status 101.
    /// </summary>
    private static async Task<ForwardOutcome> RelayUpgradedAsync(ForwardedCall call, IHttpUpgradeFeature upgrade, HttpResponseMessage upstream)
    {
        var context = call.Context;
        var response = context.Response;
        CopyHeaders(upstream.Headers, response.Headers);
        CopyHeaders(upstream.Content.Headers, response.Headers);
        response.Headers.Upgrade = upstream.Headers.Upgrade.ToString(); // hop-by-hop, yet the handshake's point
        response.Headers["X-Duration-Seconds"] = call.Seconds.ToString("F6", CultureInfo.InvariantCulture);
        Stream client;
        Stream server;
        try
        {
            server = await upstream.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
            client = await upgrade.UpgradeAsync().ConfigureAwait(false); // sends the 101
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or HttpRequestException)
        {
            return new ForwardOutcome(ForwardEnd.UpgradeFailed, e);
        }
        var session = new UpgradedSession(client, server);
        var ended = await session.RelayAsync(context.RequestAborted).ConfigureAwait(false);
        call.BytesIn += session.BytesFromClient;
        call.BytesOut += session.BytesFromUpstream;
        return new ForwardOutcome(ForwardEnd.Upgraded, Detail: ended);
    }

    private static bool IsCallFailure(Exception e) =>
        e is HttpRequestException or OperationCanceledException or IOException or Microsoft.AspNetCore.Http.BadHttpRequestException;

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
        if (context.RequestAborted.IsCancellationRequested)
            return new ForwardOutcome(ForwardEnd.ClientGone, error);
        if (call.Timeout?.IsCancellationRequested == true)
            return new ForwardOutcome(ForwardEnd.Timeout, error);
        if (UpstreamFailure.ClientFault(error) is { } rejected && !context.Response.HasStarted)
            return new ForwardOutcome(ForwardEnd.RequestRejected, rejected, rejected.End);
        return new ForwardOutcome(ForwardEnd.UpstreamFailed, error);
    }

    /// <summary>
    /// Kestrel refuses to send a header value with a control character, and would turn the answer
    /// into an empty 500 after the fact; it is the upstream's fault, named before anything is sent.
    /// </summary>
    private static string? HeaderWithControlCharacter(HttpResponseMessage upstream)
    {
        foreach (var headers in (ReadOnlySpan<System.Net.Http.Headers.HttpHeaders>)[upstream.Headers, upstream.Content.Headers])
        {
            foreach (var (name, values) in headers.NonValidated)
            {
                foreach (var value in values)
                {
                    if (RequestHeaderRules.HasControlCharacters(value))
                        return name;
                }
            }
        }
        return null;
    }

    private static void CopyHeaders(System.Net.Http.Headers.HttpHeaders from, IHeaderDictionary to, bool dropLength = false)
    {
        foreach (var (name, values) in from.NonValidated)
        {
            if (HopByHopHeaders.Contains(name) || (dropLength && string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase)))
                continue;
            to[name] = values.Count == 1 ? new StringValues(values.ToString()) : new StringValues(values.ToArray());
        }
    }
}
