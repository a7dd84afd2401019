using Fwatchdog.Execution;
using Fwatchdog.Telemetry;

namespace Fwatchdog.Tests.Telemetry;

/// <summary>Every way a call ends, and what function_executions_total / function_exit_codes_total count for it.</summary>
public class OutcomeLabelTests
{
    private static readonly Exception Failure = new IOException("reset");

    public static TheoryData<string, RunOutcome, ExecutionOutcome, int?> Cases => new()
    {
        { "exit 0", Ended(RunEnd.Exited, ExitStatus.Exited(0)), ExecutionOutcome.Success, 0 },
        { "exit 3", Ended(RunEnd.Exited, ExitStatus.Exited(3)), ExecutionOutcome.Error, 3 },
        { "killed by a signal of its own", Ended(RunEnd.Exited, ExitStatus.KilledBy(11)), ExecutionOutcome.Error, OutcomeLabel.SignalExitCode },
        { "exec timeout", Ended(RunEnd.ExecTimeout, ExitStatus.KilledBy(15)), ExecutionOutcome.Timeout, null },
        { "read timeout while running", Ended(RunEnd.InputTimeout, ExitStatus.KilledBy(15)), ExecutionOutcome.Killed, null },
        { "write timeout", Ended(RunEnd.WriteTimeout, ExitStatus.KilledBy(15)), ExecutionOutcome.Killed, null },
        { "client gone", Ended(RunEnd.ClientGone, ExitStatus.KilledBy(15)), ExecutionOutcome.Killed, null },
        { "input failed while running", Ended(RunEnd.InputFailed, ExitStatus.KilledBy(15)), ExecutionOutcome.Killed, null },
        { "output failed", Ended(RunEnd.OutputFailed, ExitStatus.KilledBy(15)), ExecutionOutcome.Killed, null },
        // The three ways an oversize body shows up count the same: Content-Length, chunked, marshal_request.
        { "too large, by Content-Length", RunOutcome.BeforeStart(RunEnd.InputTooLarge), ExecutionOutcome.Rejected, null },
        { "too large, chunked while running", Ended(RunEnd.InputTooLarge, ExitStatus.KilledBy(15)), ExecutionOutcome.Rejected, null },
        { "too large, marshal_request", RunOutcome.BeforeStart(RunEnd.InputTooLarge, Failure), ExecutionOutcome.Rejected, null },
        { "malformed body", Ended(RunEnd.InputMalformed, ExitStatus.KilledBy(15)), ExecutionOutcome.Rejected, null },
        { "read timeout before the start", RunOutcome.BeforeStart(RunEnd.InputTimeout), ExecutionOutcome.Rejected, null },
        { "refused: method, headers, capacity", RunOutcome.BeforeStart(RunEnd.Refused), ExecutionOutcome.Rejected, null },
        { "failed to start", RunOutcome.BeforeStart(RunEnd.FailedToStart, Failure), ExecutionOutcome.Error, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_outcome_has_one_label(string description, RunOutcome outcome, ExecutionOutcome label, int? exitCode)
    {
        Assert.Equal((label, exitCode), OutcomeLabel.Of(outcome));
        Assert.NotEmpty(description);
    }

    [Fact]
    public void A_call_refused_before_the_start_is_not_timed()
    {
        var metrics = new PrometheusMetrics();

        metrics.Record(RunOutcome.BeforeStart(RunEnd.InputTooLarge), 5);

        var text = Exposition.Render(metrics);
        Assert.Equal(1, Exposition.Value(text, """function_executions_total{outcome="rejected"}"""));
        Assert.Equal(0, Exposition.Value(text, "function_execution_duration_seconds_count"));
    }

    private static RunOutcome Ended(RunEnd end, ExitStatus exit) => new(end, exit, 10, 20, null);
}
