using System.Net;
using Fwatchdog.Operations.Tests.Support;
using Fwatchdog.Testing;
using Xunit;

namespace Fwatchdog.Operations.Tests;

/// <summary>
/// log_format=json as a log pipeline consumes it: every line a JSON object with time, level and
/// message, and every line about a request tagged with that request's call id.
/// </summary>
public sealed class JsonLogTests
{
    private const string TracedId = "test-123";
    private const string FailingId = "test-fail";
    private const string StderrLine = "working on it";

    /// <summary>Prints its environment; says something on stderr first; /fail exits 2.</summary>
    private const string Script = $"""
        echo "{StderrLine}" >&2
        if [ "$Http_Path" = "/fail" ]; then exit 2; fi
        exec env
        """;

    [Fact]
    public async Task Every_line_is_a_json_object_and_each_request_s_lines_carry_its_call_id()
    {
        using var function = new FunctionScript(Script);
        var started = DateTime.UtcNow;
        await using var watchdog = await WatchdogProcess.StartAsync(function.Path,
            ("log_format", "json"), ("combine_output", "false"), ("healthcheck_interval", "1s"), ("write_timeout", "5s"));

        using (var traced = await watchdog.Client.PostAsync("/", "", ("X-Call-Id", TracedId)))
        {
            Assert.Equal(HttpStatusCode.OK, traced.StatusCode);
            Assert.Equal(TracedId, traced.Header("X-Call-Id"));
            Assert.Contains($"Http_X_Call_Id={TracedId}\n", await traced.BodyAsync());
        }

        string generatedId;
        using (var untraced = await watchdog.Client.PostAsync("/", ""))
        {
            Assert.Equal(HttpStatusCode.OK, untraced.StatusCode);
            generatedId = untraced.Header("X-Call-Id") ?? "";
            Assert.False(string.IsNullOrWhiteSpace(generatedId), "No X-Call-Id generated for a request without one.");
            Assert.Contains($"Http_X_Call_Id={generatedId}\n", await untraced.BodyAsync());
        }

        using (var failing = await watchdog.Client.PostAsync("/fail", "", ("X-Call-Id", FailingId)))
            Assert.Equal(HttpStatusCode.InternalServerError, failing.StatusCode);

        Assert.True(watchdog.SendSignal(Signals.SIGTERM));
        Assert.Equal(0, await watchdog.WaitForExitAsync(Limits.Exit));

        var lines = ParseAll(watchdog.Output);
        Assert.All(lines, line => Assert.InRange(line.Time, started.AddSeconds(-2), DateTime.UtcNow.AddSeconds(2)));

        var tracedMessages = Messages(lines, TracedId);
        Assert.Contains("Forking fprocess.", tracedMessages);
        Assert.Contains(tracedMessages, m => m.StartsWith("Wrote ", StringComparison.Ordinal) && m.Contains(" Bytes - Duration: ", StringComparison.Ordinal));
        Assert.Contains(tracedMessages, m => m.Contains(StderrLine, StringComparison.Ordinal)); // the function's own stderr is tagged too
        Assert.All(lines.Where(l => l.CallId == TracedId), l => Assert.Equal("info", l.Level));

        Assert.Contains("Forking fprocess.", Messages(lines, generatedId));

        // Alerting on level: a failed invocation must not be logged as routine info only.
        Assert.Contains(lines, l => l.CallId == FailingId && l.Level is "warn" or "error");

        // Lifecycle lines are JSON too, and belong to no request.
        Assert.Contains(lines, l => l.Message.Contains($"Listening on port: {watchdog.Port}", StringComparison.Ordinal) && l.CallId is null);
        Assert.Contains(lines, l => l.Message == "SIGTERM: no new connections in 1s" && l.CallId is null);
    }

    /// <summary>Parses every line of both streams; one plain-text line fails the test with that line.</summary>
    private static List<JsonLogLine> ParseAll(OutputLog output)
    {
        var stdout = output.StdoutLines;
        Assert.NotEmpty(stdout);
        var parsed = new List<JsonLogLine>();
        foreach (var line in stdout.Concat(output.StderrLines))
        {
            try
            {
                parsed.Add(JsonLogLine.Parse(line));
            }
            catch (FormatException e)
            {
                Assert.Fail($"{e.Message}\n--- whole output ---\n{output.Dump()}");
            }
        }
        return parsed;
    }

    private static List<string> Messages(IEnumerable<JsonLogLine> lines, string callId) =>
        lines.Where(l => l.CallId == callId).Select(l => l.Message).ToList();
}
