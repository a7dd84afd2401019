using System.Text;
using Fwatchdog.Configuration;
using Serilog;

namespace Fwatchdog.Execution.Tests;

/// <summary>Runs real programs through the runner: output, exit codes and signals as Go's os/exec words them.</summary>
[Collection(SupervisedCollection.Name)]
public sealed class FunctionRunnerTests : IDisposable
{
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(1);
    private const int MaxLogLineBytes = 16 * 1024;
    private readonly ProcessSupervisor _supervisor = new(new LoggerConfiguration().CreateLogger());

    public void Dispose() => _supervisor.Dispose();

    private async Task<(RunOutcome Outcome, string Output)> RunAsync(string program, string[] arguments, string input = "", IReadOnlyCollection<string>? withheld = null)
    {
        var command = new CommandLine(program, arguments);
        using var runner = new FunctionRunner(_supervisor, command, KillGrace, combineOutput: true, MaxLogLineBytes, new StartFailureStreak(TimeProvider.System), TimeProvider.System,
            withheld);
        using var run = runner.Start(null, null);
        using var output = new MemoryStream();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var outcome = await run.CompleteAsync(new MemoryStream(Encoding.UTF8.GetBytes(input)), output, RunDeadlines.None, cancel.Token);
        return (outcome, Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Stdin_goes_in_stdout_comes_out_and_a_clean_exit_succeeds()
    {
        var (outcome, output) = await RunAsync("cat", [], "hello");

        Assert.Equal(RunEnd.Exited, outcome.End);
        Assert.True(outcome.Exit.Success);
        Assert.Equal("hello", output);
        Assert.Equal(5, outcome.BytesIn);
    }

    [Fact]
    public async Task The_function_inherits_the_watchdogs_environment_except_what_is_withheld()
    {
        Environment.SetEnvironmentVariable("FWATCHDOG_TEST_KEPT", "kept");
        Environment.SetEnvironmentVariable("FWATCHDOG_TEST_WITHHELD", "withheld");
        try
        {
            var (_, output) = await RunAsync("env", [], withheld: ["FWATCHDOG_TEST_WITHHELD"]);

            var variables = output.Split('\n');
            Assert.Contains("FWATCHDOG_TEST_KEPT=kept", variables);
            Assert.DoesNotContain(variables, line => line.StartsWith("FWATCHDOG_TEST_WITHHELD=", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("FWATCHDOG_TEST_KEPT", null);
            Environment.SetEnvironmentVariable("FWATCHDOG_TEST_WITHHELD", null);
        }
    }

    [Fact]
    public async Task A_non_zero_exit_code_is_reported()
    {
        var (outcome, _) = await RunAsync("sh", ["-c", "exit 3"]);

        Assert.Equal("exit status 3", outcome.Exit.ToString());
    }

    [Fact]
    public async Task Death_by_a_signal_is_reported_in_go_s_words()
    {
        var (outcome, _) = await RunAsync("sh", ["-c", "kill -KILL $$"]);

        Assert.Equal("signal: killed", outcome.Exit.ToString());
    }

    [Fact]
    public void A_missing_program_fails_to_start_with_go_s_message()
    {
        using var runner = new FunctionRunner(_supervisor, new CommandLine("no-such-program-here", []), KillGrace, combineOutput: true, MaxLogLineBytes,
            new StartFailureStreak(TimeProvider.System), TimeProvider.System);

        var failure = Assert.Throws<FunctionStartException>(() => runner.Start(null, null));

        Assert.Equal("exec: \"no-such-program-here\": executable file not found in $PATH", failure.Message);
        Assert.False(failure.IsResourceExhaustion);
    }
}
