using System.Diagnostics;
using Fwatchdog.Calls;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Fwatchdog.Tests.Support;
using Fwatchdog.Tests.Telemetry;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Fwatchdog.Tests.Http;

/// <summary>Admission in-process: what is refused before anything forks, how it is answered, and how it is counted.</summary>
public class FunctionEndpointTests
{
    private readonly PrometheusMetrics _metrics = new();
    private readonly InflightLimiter _limiter = new(1);
    private readonly RecordingResponder _responder = new();
    private readonly FunctionEndpoint _endpoint;
    private readonly CallFinisher _finisher;

    public FunctionEndpointTests()
    {
        var (options, _) = FakeEnvironment.Read(("max_request_bytes", "1024"), ("max_inflight", "1"));
        var log = new LoggerConfiguration().CreateLogger();
        // Admission refuses before the launcher forks, so these tests need no runner (and start no process).
        var launcher = new FunctionLauncher(options, runner: null!, new RequestInput(options));
        _endpoint = new FunctionEndpoint(options, _limiter, launcher, _responder, log);
        _finisher = new CallFinisher(options, _metrics, log, new AbandonedConnections());
    }

    [Fact]
    public async Task A_method_the_function_does_not_take_is_405_and_rejected()
    {
        var context = Request("TRACE");

        await CallAsync(context);

        Assert.Equal(405, context.Response.StatusCode);
        Assert.Equal("Method TRACE is not allowed.\n", Body(context));
        AssertRejectedOnce();
    }

    [Fact]
    public async Task A_call_over_max_inflight_is_429_and_rejected()
    {
        Assert.True(_limiter.TryEnter());
        var context = Request("POST");

        await CallAsync(context);

        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("Concurrent request limit exceeded. Max concurrent requests: 1\n", Body(context));
        AssertRejectedOnce();
        Assert.Equal(1, _limiter.Current);
    }

    [Fact]
    public async Task A_content_length_over_max_request_bytes_is_413_rejected_and_frees_its_slot()
    {
        var context = Request("POST");
        context.Request.ContentLength = 1025;

        await CallAsync(context);

        Assert.Equal(413, context.Response.StatusCode);
        Assert.Equal("Request body too large: the limit is 1024 bytes (max_request_bytes).\n", Body(context));
        Assert.False(string.IsNullOrEmpty(context.Response.Headers[CallId.Header]));
        AssertRejectedOnce();
        Assert.Equal(0, _limiter.Current);
    }

    [Fact]
    public async Task A_request_with_a_forbidden_header_is_400_and_rejected()
    {
        var context = Request("POST");
        context.Request.Headers["Method=DELETE"] = "x";

        await CallAsync(context);

        Assert.Equal(400, context.Response.StatusCode);
        AssertRejectedOnce();
    }

    /// <summary>What the dispatcher does with a function request: the endpoint's outcome, then the finisher.</summary>
    private async Task CallAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = await _endpoint.HandleAsync(context, started);
        await _finisher.FinishAsync(context, started, outcome);
    }

    private void AssertRejectedOnce()
    {
        var text = Exposition.Render(_metrics);
        Assert.Equal(1, Exposition.Value(text, """function_executions_total{outcome="rejected"}"""));
        Assert.Equal(0, Exposition.Value(text, "function_execution_duration_seconds_count"));
        Assert.Equal(0, _responder.Calls);
    }

    private static DefaultHttpContext Request(string method) =>
        new() { Request = { Method = method, Path = "/" }, Response = { Body = new MemoryStream() } };

    private static string Body(HttpContext context) => System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    private sealed class RecordingResponder : IFunctionResponder
    {
        public int Calls { get; private set; }

        public Task<ForkOutcome> RespondAsync(FunctionCall call)
        {
            Calls++;
            return Task.FromResult(new ForkOutcome(default, 0, CallDelivery.Sent));
        }
    }
}
