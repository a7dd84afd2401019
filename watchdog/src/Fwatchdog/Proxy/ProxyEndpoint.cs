using System.Diagnostics;
using System.Net;
using System.Globalization;
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
/// mode=http: every path but the watchdog's own is forwarded to the function's server. Requests
/// that arrive before it accepts connections wait for it; the answer streams back piece by piece,
/// each piece flushed as it arrives, so memory stays bounded and server-sent events work.
/// exec_timeout → 504, an unreachable or broken upstream → 502, a client that leaves → the
/// upstream request is aborted.
/// </summary>
public sealed class ProxyEndpoint : IFunctionEndpoint
{
    /// <summary>How long a request waits for a server that is still starting when exec_timeout is 0.</summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    private readonly WatchdogOptions _options;
    private readonly UpstreamReadiness _readiness;
    private readonly HttpMessageInvoker _upstream;
    private readonly ForwardedRequest _forwarded;
    private readonly InflightLimiter _limiter;
    private readonly IWatchdogMetrics _metrics;
    private readonly ILogger _log;
    private readonly FailureReport _failures;

    internal ProxyEndpoint(WatchdogOptions options, UpstreamReadiness readiness, HttpMessageInvoker upstream,
        InflightLimiter limiter, IWatchdogMetrics metrics, ILogger log)
    {
        _options = options;
        _readiness = readiness;
        _upstream = upstream;
        _forwarded = new ForwardedRequest(options.UpstreamUrl!);
        _limiter = limiter;
        _metrics = metrics;
        _log = log;
        _failures = new FailureReport(options);
    }

    public async Task HandleAsync(HttpContext context, long started)
    {
        if (!_limiter.TryEnter())
        {
            await _limiter.RefuseAsync(context, _metrics).ConfigureAwait(false);
            return;
        }
        try
        {
            var request = context.Request;
            var callId = CallId.From(request);
            context.Response.Headers[CallId.Header] = callId;
            var log = new RequestLog(_log, callId, request.Method, request.Path.Value ?? "/");
            var call = new Call(context, started, log);
            await ForwardAsync(call, callId).ConfigureAwait(false);
            _metrics.FunctionCompleted(call.Outcome, null, call.Seconds, call.BytesIn, call.BytesOut);
            if (!IsKubeletProbe(request))
                log.Forwarded(context.Response.StatusCode, call.BytesOut, call.Seconds, _options.LogCallId);
        }
        finally
        {
            _limiter.Exit();
        }
    }

    private async Task ForwardAsync(Call call, string callId)
    {
        var context = call.Context;
        if (_options.MaxRequestBytes > 0)
        {
            if (context.Request.ContentLength > _options.MaxRequestBytes)
            {
                call.Outcome = ExecutionOutcome.Rejected;
                await AnswerRejectedBodyAsync(call, RunOutcome.BeforeStart(RunEnd.InputTooLarge)).ConfigureAwait(false);
                return;
            }
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

        if (!_readiness.IsReady && !await HoldAsync(call, token).ConfigureAwait(false))
            return;

        // An upgrade (WebSocket or any other protocol) carries no body; the branch costs ordinary
        // requests one feature look-up.
        var upgrade = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } feature && context.Request.Headers.Upgrade.Count > 0
            ? feature : null;
        RequestBodyContent? streamed = null;
        HttpResponseMessage response;
        try
        {
            var content = upgrade is null ? await OpenBodyAsync(context, token).ConfigureAwait(false) : null;
            streamed = content as RequestBodyContent;
            call.BytesIn = content is RequestBodyContent ? 0 : content?.Headers.ContentLength ?? 0;
            using var message = _forwarded.Create(context, content, callId, upgrade is not null);
            response = await _upstream.SendAsync(message, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            call.BytesIn += streamed?.BytesSent ?? 0;
            await FailAsync(call, e).ConfigureAwait(false);
            return;
        }
        using (response)
        {
            if (upgrade is not null && response.StatusCode == HttpStatusCode.SwitchingProtocols)
                await RelayUpgradedAsync(call, upgrade, response).ConfigureAwait(false);
            else
                await RelayAsync(call, response, token).ConfigureAwait(false);
        }
        call.BytesIn += streamed?.BytesSent ?? 0;
    }

    /// <summary>Holds a request that came before the upstream was up. False when it was answered here instead.</summary>
    private async Task<bool> HoldAsync(Call call, CancellationToken token)
    {
        bool ready;
        try
        {
            ready = await _readiness.Ready.WaitAsync(call.Timeout is null ? StartLimit : Timeout.InfiniteTimeSpan, token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            call.Outcome = ExecutionOutcome.Rejected;
            call.Log.Warning("The function's server did not accept connections within {limit}; answered 503.", GoDuration.Format(StartLimit));
            await PlainText.WriteAsync(call.Context, StatusCodes.Status503ServiceUnavailable,
                $"The function's server is not accepting connections at {_options.UpstreamUrl} yet.\n").ConfigureAwait(false);
            return false;
        }
        catch (OperationCanceledException e)
        {
            await FailAsync(call, e).ConfigureAwait(false);
            return false;
        }
        if (ready)
            return true;
        call.Outcome = ExecutionOutcome.Error;
        await PlainText.WriteAsync(call.Context, StatusCodes.Status502BadGateway,
            "The function's server exited before accepting connections.\n").ConfigureAwait(false);
        return false;
    }

    /// <summary>Null for no body; streamed as it arrives, or read whole first with http_buffer_req_body.</summary>
    private async Task<HttpContent?> OpenBodyAsync(HttpContext context, CancellationToken token)
    {
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (!hasBody)
            return request.ContentLength == 0 ? new ReadOnlyMemoryContent(ReadOnlyMemory<byte>.Empty) : null;
        var body = new ReadDeadlineStream(request.Body, _options.ReadTimeout, context.Abort);
        if (!_options.BufferRequestBody)
            return new RequestBodyContent(body, request.ContentLength);
        await using (body)
        {
            var buffered = new MemoryStream();
            await body.CopyToAsync(buffered, token).ConfigureAwait(false);
            return new ByteArrayContent(buffered.GetBuffer(), 0, (int)buffered.Length);
        }
    }

    private async Task RelayAsync(Call call, HttpResponseMessage upstream, CancellationToken token)
    {
        var context = call.Context;
        var response = context.Response;
        response.StatusCode = (int)upstream.StatusCode;
        CopyHeaders(upstream.Headers, response.Headers);
        CopyHeaders(upstream.Content.Headers, response.Headers);
        response.Headers["X-Duration-Seconds"] = call.Seconds.ToString("F6", CultureInfo.InvariantCulture);
        call.Outcome = response.StatusCode >= 500 ? ExecutionOutcome.Error : ExecutionOutcome.Success;

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
                    break;
                await response.Body.WriteAsync(buffer.Memory[..read], token).ConfigureAwait(false);
                call.BytesOut += read;
                buffer.Observe(read);
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            await FailAsync(call, e).ConfigureAwait(false);
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
    private static async Task RelayUpgradedAsync(Call call, IHttpUpgradeFeature upgrade, HttpResponseMessage upstream)
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
            call.Outcome = ExecutionOutcome.Error;
            call.Log.Warning("The upgraded connection could not be opened: {error}", e.Message);
            context.Abort();
            return;
        }
        var session = new UpgradedSession(client, server);
        var ended = await session.RelayAsync(context.RequestAborted).ConfigureAwait(false);
        call.BytesIn += session.BytesFromClient;
        call.BytesOut += session.BytesFromUpstream;
        call.Outcome = ExecutionOutcome.Success;
        call.Log.UpgradeEnded(response.Headers.Upgrade.ToString(), ended);
    }

    /// <summary>The one place a failed call is classified: client gone, exec_timeout, bad request, or upstream trouble.</summary>
    private async Task FailAsync(Call call, Exception error)
    {
        var context = call.Context;
        if (context.RequestAborted.IsCancellationRequested)
        {
            call.Outcome = ExecutionOutcome.Error;
            call.Log.Warning("Client disconnected; the upstream request was aborted.");
            return;
        }
        if (call.Timeout?.IsCancellationRequested == true)
        {
            call.Outcome = ExecutionOutcome.Timeout;
            var setting = call.Limit == _options.ExecTimeout ? "exec_timeout" : "X-Timeout";
            call.Log.Warning("Upstream request exceeded {setting} of {timeout}; aborted.", setting, GoDuration.Format(call.Limit));
            await AnswerOrAbortAsync(context, StatusCodes.Status504GatewayTimeout,
                $"The function did not answer within {setting} ({GoDuration.Format(call.Limit)}).\n").ConfigureAwait(false);
            return;
        }
        if (UpstreamFailure.BadRequest(error) is { } bad && RequestBodyInput.Rejection(bad) is { } rejected && !context.Response.HasStarted)
        {
            call.Outcome = ExecutionOutcome.Rejected;
            await AnswerRejectedBodyAsync(call, RunOutcome.BeforeStart(rejected.End, rejected)).ConfigureAwait(false);
            return;
        }
        call.Outcome = ExecutionOutcome.Error;
        var cause = UpstreamFailure.Describe(error);
        call.Log.Error("Upstream request to {url} failed: {cause}", _options.UpstreamUrl, cause);
        await AnswerOrAbortAsync(context, StatusCodes.Status502BadGateway, $"Bad gateway: {cause}.\n").ConfigureAwait(false);
    }

    /// <summary>A body the watchdog or Kestrel refused (413, 400): logged and answered as in the fork modes.</summary>
    private Task AnswerRejectedBodyAsync(Call call, in RunOutcome outcome) =>
        _failures.SendAsync(call.Context, outcome, call.Log, 0, TimeSpan.Zero);

    /// <summary>Once the upstream's status line went out, the only honest signal left is an abnormal close.</summary>
    private static Task AnswerOrAbortAsync(HttpContext context, int status, string text)
    {
        if (!context.Response.HasStarted)
        {
            var headers = context.Response.Headers;
            var callId = headers[CallId.Header];
            headers.Clear(); // whatever the upstream had sent describes a body that will not come
            headers[CallId.Header] = callId;
            return PlainText.WriteAsync(context, status, text);
        }
        context.Abort();
        return Task.CompletedTask;
    }

    /// <summary>of-watchdog leaves the kubelet's probes (e.g. an httpGet probe on ready_path's route) out of the log.</summary>
    private static bool IsKubeletProbe(HttpRequest request)
    {
        var userAgent = request.Headers.UserAgent;
        return userAgent.Count > 0 && userAgent[0] is { } agent && agent.StartsWith("kube-probe", StringComparison.Ordinal);
    }

    private static void CopyHeaders(System.Net.Http.Headers.HttpHeaders from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from.NonValidated)
        {
            if (HopByHopHeaders.Contains(name))
                continue;
            to[name] = values.Count == 1 ? new StringValues(values.ToString()) : new StringValues(values.ToArray());
        }
    }

    /// <summary>One forwarded call's bookkeeping: how it ended and what it moved.</summary>
    private sealed class Call(HttpContext context, long started, RequestLog log)
    {
        public HttpContext Context { get; } = context;
        public RequestLog Log { get; } = log;
        public CancellationTokenSource? Timeout { get; set; }
        /// <summary>exec_timeout, or the request's shorter X-Timeout; zero when there is none.</summary>
        public TimeSpan Limit { get; set; }
        public ExecutionOutcome Outcome { get; set; } = ExecutionOutcome.Success;
        public long BytesIn { get; set; }
        public long BytesOut { get; set; }
        public double Seconds => Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
