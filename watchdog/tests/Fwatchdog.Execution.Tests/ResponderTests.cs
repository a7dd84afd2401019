using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Fwatchdog.Calls;
using Fwatchdog.Configuration;
using Fwatchdog.Http;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Serilog;

namespace Fwatchdog.Execution.Tests;

/// <summary>
/// The classic and streaming responders in-process: a real function run through the real runner and
/// supervisor, answered into a <see cref="DefaultHttpContext"/>, with time injected.
/// </summary>
[Collection(SupervisedCollection.Name)]
public sealed class ResponderTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly ILogger _log = new LoggerConfiguration().CreateLogger();
    private readonly ProcessSupervisor _supervisor;
    private readonly FakeTimeProvider _time = new();
    private readonly PrometheusMetrics _metrics = new();

    public ResponderTests() => _supervisor = new ProcessSupervisor(_log);

    public void Dispose() => _supervisor.Dispose();

    [Fact]
    public async Task Classic_answers_200_with_the_output_its_duration_and_the_echoed_content_type()
    {
        var options = Options();
        var context = Request("hello");
        context.Request.ContentType = "text/x-greeting";

        await RespondAsync(new ClassicResponder(options, _time), options, context, "cat");

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("hello", Body(context));
        Assert.Equal(5, context.Response.ContentLength);
        Assert.Equal("text/x-greeting", context.Response.ContentType);
        Assert.True(double.TryParse(context.Response.Headers["X-Duration-Seconds"], System.Globalization.CultureInfo.InvariantCulture, out _),
            $"X-Duration-Seconds: '{context.Response.Headers["X-Duration-Seconds"]}'");
    }

    [Theory]
    [InlineData("printf '<html><body>hi</body></html>'", "text/html; charset=utf-8")]
    [InlineData("printf 'plain words'", "text/plain; charset=utf-8")]
    [InlineData("printf '\\000\\001\\002'", "application/octet-stream")]
    [InlineData("printf 'Status: 201\\n\\n<p>made</p>'", "text/html; charset=utf-8")]
    [InlineData("true", null)]
    [InlineData("printf 'Status: 200\\nContent-Encoding: gzip\\n\\n<p>zipped</p>'", null)]
    public async Task Classic_sniffs_a_content_type_from_the_body_when_none_is_configured_or_echoed(string script, string? expected)
    {
        var options = script.Contains("Status:", StringComparison.Ordinal) ? Options(("cgi_response", "true")) : Options();
        var context = Request();

        await RespondAsync(new ClassicResponder(options, _time), options, context, script);

        Assert.Equal(expected, context.Response.ContentType);
    }

    [Fact]
    public async Task Classic_answers_a_non_zero_exit_with_500_and_the_exit_status_before_the_output()
    {
        var options = Options();
        var context = Request();

        await RespondAsync(new ClassicResponder(options, _time), options, context, "echo oops; exit 3");

        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal("exit status 3\noops\n", Body(context));
        Assert.Equal(PlainText.ContentType, context.Response.ContentType);
    }

    [Fact]
    public async Task Classic_answers_an_exec_timeout_with_408_killed_process()
    {
        var options = Options();
        var context = Request();
        var responder = new ClassicResponder(options, _time);

        var responding = RespondAsync(responder, options, context, "sleep 30", new RunDeadlines(TimeSpan.FromSeconds(5)));
        _time.Advance(TimeSpan.FromSeconds(5));
        await responding.WaitAsync(Patience);

        Assert.Equal(408, context.Response.StatusCode);
        Assert.Equal(OutcomeAnswer.KilledText, Body(context));
    }

    [Fact]
    public async Task Classic_with_cgi_response_takes_status_and_headers_from_the_header_block()
    {
        var options = Options(("cgi_response", "true"));
        var context = Request();

        await RespondAsync(new ClassicResponder(options, _time), options, context,
            @"printf 'Status: 201 Created\r\nX-Thing: yes\r\n\r\nbody'");

        Assert.Equal(201, context.Response.StatusCode);
        Assert.Equal("yes", context.Response.Headers["X-Thing"]);
        Assert.Equal("body", Body(context));
        Assert.Equal(4, context.Response.ContentLength);
    }

    [Fact]
    public async Task Streaming_sends_output_as_produced_in_chunks_and_the_status_in_a_trailer()
    {
        var options = Options();
        var context = Request();
        context.Request.Headers.TE = "trailers";
        var body = new WatchedBody();
        context.Response.Body = body;
        var input = new Pipe();
        context.Request.Body = input.Reader.AsStream();

        // The function writes, then waits for its input to end: the first chunk can only arrive while it runs.
        var responding = RespondAsync(new StreamingResponder(options, _time), options, context,
            "echo first; cat > /dev/null; echo second");
        await body.Contains("first\n").WaitAsync(Patience);
        Assert.False(responding.IsCompleted);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("chunked", context.Response.Headers.TransferEncoding);
        Assert.Equal("X-Function-Status", context.Response.Headers.Trailer);
        await input.Writer.CompleteAsync();
        await responding.WaitAsync(Patience);

        Assert.Equal("6\r\nfirst\n\r\n7\r\nsecond\n\r\n0\r\nX-Function-Status: exit status 0\r\n\r\n", body.Text);
    }

    [Fact]
    public async Task Streaming_reports_a_failure_after_the_headers_in_the_trailer()
    {
        var options = Options();
        var context = Request();
        context.Request.Headers.TE = "trailers";

        await RespondAsync(new StreamingResponder(options, _time), options, context, "echo partial; exit 3");

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("8\r\npartial\n\r\n0\r\nX-Function-Status: exit status 3\r\n\r\n", Body(context));
    }

    private static WatchdogOptions Options(params (string Name, string Value)[] variables)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["fprocess"] = "sh" };
        foreach (var (name, value) in variables)
            values[name] = value;
        return new EnvironmentConfiguration(name => values.GetValueOrDefault(name)).Read();
    }

    private static DefaultHttpContext Request(string body = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>
    /// What the launcher hands a responder: a started <c>sh -c script</c> reading the request body;
    /// then the endpoint's finisher, which answers what the responder left unanswered.
    /// </summary>
    private async Task RespondAsync(IFunctionResponder responder, WatchdogOptions options, HttpContext context, string script, RunDeadlines? deadlines = null)
    {
        using var runner = new FunctionRunner(_supervisor, new CommandLine("sh", ["-c", script]), TimeSpan.FromSeconds(1), options.CombineOutput,
            16 * 1024, new StartFailureStreak(_time), _time);
        var started = Stopwatch.GetTimestamp();
        await using var call = new FunctionCall(context, runner.Start(null, null), context.Request.Body, deadlines ?? RunDeadlines.None, started,
            new RequestLog(_log, "call-1", context.Request.Method, "/"));
        var end = await responder.RespondAsync(call);
        await new CallFinisher(options, _metrics, _log, new AbandonedConnections()).FinishAsync(context, started, CallOutcome.Forked(end, call.Log, call.Deadlines.Exec));
    }

    private static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    /// <summary>A response body that tells when a given text has been written to it.</summary>
    private sealed class WatchedBody : MemoryStream
    {
        private readonly Lock _gate = new();
        private (string Text, TaskCompletionSource Seen)? _awaited;

        public string Text
        {
            get
            {
                lock (_gate)
                    return Encoding.UTF8.GetString(ToArray());
            }
        }

        public Task Contains(string text)
        {
            lock (_gate)
            {
                var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _awaited = (text, seen);
                Check();
                return seen.Task;
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                base.Write(buffer, offset, count);
                Check();
            }
        }

        // MemoryStream's span overloads call back into Write(byte[], …) in a derived class; these keep every path on it.
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        private void Check()
        {
            if (_awaited is var (text, seen) && Encoding.UTF8.GetString(GetBuffer(), 0, (int)Length).Contains(text, StringComparison.Ordinal))
                seen.TrySetResult();
        }
    }
}
