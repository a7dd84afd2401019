using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Answers the watchdog makes itself carry X-OpenFaaS-Internal (of-watchdog, or faas-middleware for
/// max_inflight's 429), so the gateway can tell them from the function's; the function's own
/// answers, failures with its output included, carry none.
/// </summary>
public sealed class InternalAnswerTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private static string? Internal(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-OpenFaaS-Internal", out var values) ? values.Single() : null;

    [Fact]
    public async Task The_watchdogs_own_refusals_and_failures_are_marked_and_the_functions_answers_are_not()
    {
        await using var watchdog = await StartAsync("sh -c 'if [ \"$Http_Path\" = /fail ]; then echo oops; exit 3; fi; if [ \"$Http_Path\" = /slow ]; then sleep 5; fi; cat'",
            ("exec_timeout", "300ms"), ("max_request_bytes", "4"));

        using var ok = await watchdog.Client.PostBodyAsync("hi");
        using var failed = await watchdog.Client.PostBodyAsync("", "/fail");
        using var timedOut = await watchdog.Client.PostBodyAsync("", "/slow");
        using var tooLarge = await watchdog.Client.PostBodyAsync("too large");
        using var method = await watchdog.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/"));
        using var badHeader = await watchdog.Client.PostBodyAsync("", "/", ("X-Bad", "a\u0001b"));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Null(Internal(ok));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Null(Internal(failed)); // the body is the function's output
        Assert.Equal(HttpStatusCode.RequestTimeout, timedOut.StatusCode);
        Assert.Equal("of-watchdog", Internal(timedOut));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("of-watchdog", Internal(tooLarge));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
        Assert.Equal("of-watchdog", Internal(method));
        Assert.Equal(HttpStatusCode.BadRequest, badHeader.StatusCode);
        Assert.Equal("of-watchdog", Internal(badHeader));
    }

    [Fact]
    public async Task A_program_that_cannot_start_is_marked()
    {
        await using var watchdog = await StartAsync("no-such-program-anywhere");

        using var response = await watchdog.Client.PostBodyAsync("hi");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("of-watchdog", Internal(response));
    }

    [Fact]
    public async Task Max_inflight_refusals_carry_the_middlewares_mark()
    {
        using var gate = new FunctionGate();
        await using var watchdog = await StartAsync(gate.Fprocess(), ("max_inflight", "1"));
        var first = watchdog.Client.PostBodyAsync("");
        await gate.WaitStartedAsync(Limits.Quick);

        using var refused = await watchdog.Client.PostBodyAsync("");
        gate.Release();
        using var released = await first;

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("faas-middleware", Internal(refused));
        Assert.Null(Internal(released));
    }
}
