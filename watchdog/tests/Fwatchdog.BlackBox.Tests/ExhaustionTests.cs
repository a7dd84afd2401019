using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Running out of file descriptors or of room for a new process's environment: each affected call
/// gets Go's words in a 500, nothing is held afterwards, and the watchdog returns to full service.
/// </summary>
[Collection(BulkTransferCollection.Name)]
public sealed class ExhaustionTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const int OpenFilesLimit = 64;
    private const int Bursts = 6;
    private const int CallsPerBurst = 100;

    [Fact]
    public async Task Out_of_file_descriptors_calls_get_a_clear_500_no_pipe_is_held_and_service_recovers()
    {
        await using var watchdog = await StartAsync("cat");
        var (exitCode, limitOutput) = await ToolProcess.RunAsync("prlimit",
            ["--pid", watchdog.Pid.ToString(), $"--nofile={OpenFilesLimit}:{OpenFilesLimit}"], Limits.Quick);
        Assert.True(exitCode == 0, $"prlimit failed: {limitOutput}");
        using (var warmUp = await watchdog.Client.PostBodyAsync("warm"))
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        var idlePipes = ProcFs.OpenPipes(watchdog.Pid);

        var refused = 0;
        for (var burst = 0; burst < Bursts; burst++)
        {
            using var client = new HttpClient { BaseAddress = watchdog.Client.BaseAddress, Timeout = Limits.Quick };
            var calls = Enumerable.Range(0, CallsPerBurst).Select(async i =>
            {
                // Connection: close, so idle keep-alive sockets do not take the fds this test is about.
                using var response = await client.PostBodyAsync($"call {i}", headers: ("Connection", "close"));
                return (response.StatusCode, Body: await response.BodyAsync(), Expected: $"call {i}");
            });
            foreach (var (status, body, expected) in await Task.WhenAll(calls))
            {
                if (status == HttpStatusCode.OK)
                {
                    Assert.Equal(expected, body);
                    continue;
                }
                Assert.Equal(HttpStatusCode.InternalServerError, status);
                Assert.Equal("pipe2: too many open files\n", body);
                refused++;
            }
        }
        Assert.True(refused > 0, $"No call ran out of file descriptors with nofile={OpenFilesLimit}; the test proves nothing.");

        var settled = await Eventually.TrueWithinAsync(() => ProcFs.OpenPipes(watchdog.Pid) <= idlePipes, Limits.Quick);
        Assert.True(settled, $"Idle, the watchdog holds {ProcFs.OpenPipes(watchdog.Pid)} pipe fds; before the bursts it held {idlePipes}.");
        using (var after = await watchdog.Client.PostBodyAsync("after"))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.Equal("after", await after.BodyAsync());
        }
        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(watchdog.Output.Contains("raise the container's open-files limit"), watchdog.Output.Dump());
    }

    [Fact]
    public async Task An_environment_too_large_for_exec_answers_go_s_words_and_the_next_call_works()
    {
        await using var watchdog = await StartAsync("cat");
        // One environment string longer than the kernel's 128 KiB per-string limit (MAX_ARG_STRLEN).
        var huge = new string('a', 200 * 1024);

        using (var refused = await watchdog.Client.PostBodyAsync("x", headers: ("X-Huge", huge)))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
            Assert.Equal("fork/exec cat: argument list too long\n", await refused.BodyAsync());
        }
        using (var next = await watchdog.Client.PostBodyAsync("next"))
            Assert.Equal("next", await next.BodyAsync());
        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Exec_timeout_and_kill_grace_beyond_what_timers_take_do_not_crash_a_call()
    {
        // 2000h is over .NET timers' ~49.7-day limit; the timeout then fires at once via X-Timeout.
        await using var watchdog = await StartAsync("sleep 30", ("exec_timeout", "2000h"), ("kill_grace", "2000h"));

        using var response = await watchdog.Client.PostBodyAsync("", headers: ("X-Timeout", "1s"));

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(watchdog.HasExited);
    }
}
