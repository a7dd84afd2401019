using System.Diagnostics;
using System.Text;
using Fwatchdog.Calls;
using Fwatchdog.Execution;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Fwatchdog.Proxy;
using Fwatchdog.Telemetry;
using Fwatchdog.Tests.Support;
using Fwatchdog.Tests.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Calls;

/// <summary>
/// The one finisher, stage by stage: every mode's outcome is answered, logged and counted here,
/// each exactly once, with the words and labels the Go watchdogs use.
/// </summary>
public class CallFinisherTests
{
    private readonly PrometheusMetrics _metrics = new();
    private readonly CapturedLog _log = new();
    private readonly CallFinisher _finisher;

    public CallFinisherTests()
    {
        var (options, _) = FakeEnvironment.Read(("max_inflight", "3"));
        _finisher = new CallFinisher(options, _metrics, _log.CreateLogger(), new AbandonedConnections());
    }

    [Fact]
    public async Task A_refused_request_is_answered_with_its_words_logged_once_and_counted_rejected()
    {
        var context = Request();

        await FinishAsync(context, CallOutcome.Refused(new Refusal(RefusalKind.Request, 400, "Bad request: no.\n", "Rejected a malformed request: no")));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("Bad request: no.\n", Body(context));
        Assert.Equal(PlainText.Watchdog, context.Response.Headers[PlainText.InternalHeader]);
        Assert.Equal(["Rejected a malformed request: no"], _log.Lines);
        Assert.Equal(1, Executions("rejected"));
    }

    [Fact]
    public async Task Max_inflight_is_429_marked_as_the_middlewares_counted_and_not_logged()
    {
        var context = Request();

        await FinishAsync(context, CallOutcome.Refused(new InflightLimiter(3).Refusal()));

        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("Concurrent request limit exceeded. Max concurrent requests: 3\n", Body(context));
        Assert.Equal(PlainText.Middleware, context.Response.Headers[PlainText.InternalHeader]);
        Assert.Empty(_log.Lines);
        Assert.Equal(1, Executions("rejected"));
    }

    [Fact]
    public async Task An_access_refusal_carries_the_call_id_and_its_header_and_logs_access_denied()
    {
        var context = Request();
        context.Request.Headers[CallId.Header] = "call-7";
        var refusal = new Refusal(RefusalKind.Access, 401, "Bearer must be present in Authorization header\n",
            "Bearer must be present in Authorization header", PlainText.Middleware, ("WWW-Authenticate", "Bearer realm=\"IAM function invoke\""));

        await FinishAsync(context, CallOutcome.Refused(refusal));

        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal("call-7", context.Response.Headers[CallId.Header]);
        Assert.Equal("Bearer realm=\"IAM function invoke\"", context.Response.Headers.WWWAuthenticate);
        var line = Assert.Single(_log.Lines);
        Assert.StartsWith("POST /fn - 401 ACCESS DENIED - (", line, StringComparison.Ordinal);
        Assert.EndsWith("): Bearer must be present in Authorization header", line, StringComparison.Ordinal);
        Assert.Equal(1, Executions("rejected"));
    }

    [Fact]
    public async Task A_fork_run_that_timed_out_is_answered_408_logged_and_counted_as_a_timeout()
    {
        var context = Request();
        var run = new RunOutcome(RunEnd.ExecTimeout, default, 0, 0, null);

        await FinishAsync(context, CallOutcome.Forked(new ForkOutcome(run, 0.5, CallDelivery.Pending), CallLog(), TimeSpan.FromMilliseconds(500)));

        Assert.Equal(408, context.Response.StatusCode);
        Assert.Equal(OutcomeAnswer.KilledText, Body(context));
        Assert.Contains(_log.Lines, line => line.Contains("500ms", StringComparison.Ordinal));
        Assert.Equal(1, Executions("timeout"));
    }

    [Fact]
    public async Task A_fork_run_whose_output_went_out_is_logged_as_written_and_answered_nothing_more()
    {
        var context = Request();
        context.Response.StatusCode = 200;
        var run = new RunOutcome(RunEnd.Exited, default, 3, 5, null);

        await FinishAsync(context, CallOutcome.Forked(new ForkOutcome(run, 0.25, CallDelivery.Sent, 5), CallLog(), TimeSpan.Zero));

        Assert.Equal("", Body(context));
        Assert.Equal(["Wrote 5 Bytes - Duration: 0.250000s"], _log.Lines);
        Assert.Equal(1, Executions("success"));
    }

    [Fact]
    public async Task An_invalid_cgi_header_block_is_answered_502_by_the_finisher()
    {
        var context = Request();
        var run = new RunOutcome(RunEnd.Exited, default, 0, 9, null);

        await FinishAsync(context, CallOutcome.Forked(
            new ForkOutcome(run, 0.1, CallDelivery.InvalidCgiResponse, DeliveryProblem: "the header block has no end"), CallLog(), TimeSpan.Zero));

        Assert.Equal(502, context.Response.StatusCode);
        Assert.Equal("Invalid CGI response from the function: the header block has no end.\n", Body(context));
    }

    [Fact]
    public async Task A_forward_that_timed_out_is_504_and_counted_once()
    {
        var context = Request();
        var call = new ForwardedCall(context, Stopwatch.GetTimestamp(), CallLog()) { Limit = TimeSpan.FromSeconds(2) };

        await FinishAsync(context, CallOutcome.Forwarded(new ForwardOutcome(ForwardEnd.Timeout), call));

        Assert.Equal(504, context.Response.StatusCode);
        Assert.Equal("The function did not answer within X-Timeout (2s).\n", Body(context));
        Assert.Contains(_log.Lines, line => line.StartsWith("Upstream request exceeded X-Timeout of 2s", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, line => line.StartsWith("POST /fn - 504 Gateway Timeout - ContentLength: 51B (", StringComparison.Ordinal));
        Assert.Equal(1, Executions("timeout"));
    }

    [Theory]
    [InlineData("NotFound", 404, "404 page not found\n")]
    [InlineData("MethodNotAllowed", 405, "Method POST is not allowed; static files are read with GET or HEAD.\n")]
    [InlineData("RangeNotSatisfiable", 416, "Requested range not satisfiable.\n")]
    public async Task What_static_files_cannot_serve_is_answered_and_neither_logged_nor_counted(string end, int status, string text)
    {
        var context = Request();

        await FinishAsync(context, CallOutcome.Served(Enum.Parse<FileEnd>(end)));

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(text, Body(context));
        Assert.Empty(_log.Lines);
        Assert.All(new[] { "success", "error", "timeout", "killed", "rejected" }, label => Assert.Equal(0, Executions(label)));
    }

    private Task FinishAsync(HttpContext context, CallOutcome outcome) => _finisher.FinishAsync(context, Stopwatch.GetTimestamp(), outcome);

    private RequestLog CallLog() => new(_log.CreateLogger(), "call-1", "POST", "/fn");

    private double Executions(string outcome) =>
        Exposition.Value(Exposition.Render(_metrics), $"function_executions_total{{outcome=\"{outcome}\"}}");

    private static DefaultHttpContext Request() =>
        new() { Request = { Method = "POST", Path = "/fn" }, Response = { Body = new MemoryStream() } };

    private static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
