using Fwatchdog.Calls;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Fwatchdog.Tests.Support;
using Fwatchdog.Tests.Telemetry;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Fwatchdog.Tests.Http;

/// <summary>Which requests the HTTP metrics count: every function request, none of the watchdog's own.</summary>
public class RequestDispatcherTests
{
    private const int MetricsPort = 8081;

    private readonly PrometheusMetrics _metrics = new();
    private readonly ProbingEndpoint _function;
    private readonly RequestDispatcher _dispatcher;

    public RequestDispatcherTests()
    {
        _function = new ProbingEndpoint(_metrics);
        var health = new HealthState(null);
        health.MarkAccepting();
        var (options, _) = FakeEnvironment.Read();
        var log = new LoggerConfiguration().CreateLogger();
        _dispatcher = new RequestDispatcher(MetricsPort, _function, new CallFinisher(options, _metrics, log, new AbandonedConnections()), new HealthEndpoints(health, new InflightLimiter(0)),
            new MetricsEndpoint(_metrics), _metrics, new LoggerConfiguration().CreateLogger());
    }

    [Fact]
    public async Task A_function_request_is_in_flight_while_it_runs_and_counted_with_its_status()
    {
        await _dispatcher.ProcessRequestAsync(Request("POST", "/anything"));

        Assert.Equal(1, _function.InFlightDuringCall);
        Assert.True(_function.Started > 0);
        var text = Exposition.Render(_metrics);
        Assert.Equal(1, Exposition.Value(text, """http_requests_total{code="202",method="post"}"""));
        Assert.Equal(1, Exposition.Value(text, """http_request_duration_seconds_count{code="202",method="post"}"""));
        Assert.Equal(0, Exposition.Value(text, "http_requests_in_flight"));
    }

    [Theory]
    [InlineData("/_/health", 0)]
    [InlineData("/_/ready", 0)]
    [InlineData("/metrics", MetricsPort)]
    public async Task The_watchdogs_own_paths_are_not_counted(string path, int localPort)
    {
        var context = Request("GET", path);
        context.Connection.LocalPort = localPort;

        await _dispatcher.ProcessRequestAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(0, _function.Calls);
        var text = Exposition.Render(_metrics);
        Assert.DoesNotContain("\nhttp_requests_total{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nhttp_request_duration_seconds_count{", text, StringComparison.Ordinal);
    }

    private static DefaultHttpContext Request(string method, string path) =>
        new() { Request = { Method = method, Path = path }, Response = { Body = new MemoryStream() } };

    private sealed class ProbingEndpoint(PrometheusMetrics metrics) : IFunctionEndpoint
    {
        public int Calls { get; private set; }
        public double InFlightDuringCall { get; private set; }
        public long Started { get; private set; }

        public ValueTask<CallOutcome> HandleAsync(HttpContext context, long started)
        {
            Calls++;
            Started = started;
            InFlightDuringCall = Exposition.Value(Exposition.Render(metrics), "http_requests_in_flight");
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return ValueTask.FromResult(CallOutcome.Served(FileEnd.Answered));
        }
    }
}
