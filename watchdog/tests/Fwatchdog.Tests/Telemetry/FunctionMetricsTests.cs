using Fwatchdog.Telemetry;

namespace Fwatchdog.Tests.Telemetry;

public class FunctionMetricsTests
{
    private readonly PrometheusMetrics _metrics = new();

    [Fact]
    public void Executions_are_counted_by_outcome_with_every_outcome_present()
    {
        _metrics.FunctionCompleted(ExecutionOutcome.Success, 0, 0.1, 0, 0);
        _metrics.FunctionCompleted(ExecutionOutcome.Success, 0, 0.1, 0, 0);
        _metrics.FunctionCompleted(ExecutionOutcome.Timeout, null, 1, 0, 0);

        var text = Exposition.Render(_metrics);

        Assert.Equal(2, Exposition.Value(text, """function_executions_total{outcome="success"}"""));
        Assert.Equal(1, Exposition.Value(text, """function_executions_total{outcome="timeout"}"""));
        Assert.Equal(0, Exposition.Value(text, """function_executions_total{outcome="error"}"""));
        Assert.Equal(0, Exposition.Value(text, """function_executions_total{outcome="killed"}"""));
        Assert.Equal(0, Exposition.Value(text, """function_executions_total{outcome="rejected"}"""));
    }

    [Fact]
    public void Exit_codes_are_counted_and_signals_share_one_label()
    {
        _metrics.FunctionCompleted(ExecutionOutcome.Error, 3, 0.1, 0, 0);
        _metrics.FunctionCompleted(ExecutionOutcome.Error, 3, 0.1, 0, 0);
        _metrics.FunctionCompleted(ExecutionOutcome.Error, 256, 0.1, 0, 0);

        var text = Exposition.Render(_metrics);

        Assert.Equal(2, Exposition.Value(text, """function_exit_codes_total{code="3"}"""));
        Assert.Equal(1, Exposition.Value(text, """function_exit_codes_total{code="signal"}"""));
        Assert.False(Exposition.Has(text, """function_exit_codes_total{code="1"}"""));
    }

    [Fact]
    public void Exit_code_zero_is_always_exposed()
    {
        Assert.Equal(0, Exposition.Value(Exposition.Render(_metrics), """function_exit_codes_total{code="0"}"""));
    }

    [Fact]
    public void Runs_without_an_exit_code_count_no_exit_code()
    {
        _metrics.FunctionCompleted(ExecutionOutcome.Killed, null, 0.1, 0, 0);

        var text = Exposition.Render(_metrics);

        Assert.Equal(1, Exposition.Value(text, """function_executions_total{outcome="killed"}"""));
        Assert.DoesNotContain(text.Split('\n'), l => l.StartsWith("function_exit_codes_total{", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Rejected_calls_are_counted_but_not_timed()
    {
        _metrics.FunctionCompleted(ExecutionOutcome.Success, 0, 0.2, 0, 0);
        _metrics.FunctionCompleted(ExecutionOutcome.Rejected, null, 0, 0, 0);

        var text = Exposition.Render(_metrics);

        Assert.Equal(1, Exposition.Value(text, """function_executions_total{outcome="rejected"}"""));
        Assert.Equal(1, Exposition.Value(text, "function_execution_duration_seconds_count"));
        Assert.Equal(1, Exposition.Value(text, """function_execution_duration_seconds_bucket{le="+Inf"}"""));
        Assert.Equal(1, Exposition.Value(text, """function_execution_duration_seconds_bucket{le="0.25"}"""));
        Assert.Equal(0, Exposition.Value(text, """function_execution_duration_seconds_bucket{le="0.1"}"""));
    }

    [Fact]
    public void Bytes_in_and_out_accumulate()
    {
        _metrics.FunctionCompleted(ExecutionOutcome.Success, 0, 0.1, 10, 100);
        _metrics.FunctionCompleted(ExecutionOutcome.Error, 1, 0.1, 5, 50);

        var text = Exposition.Render(_metrics);

        Assert.Equal(15, Exposition.Value(text, "function_bytes_in_total"));
        Assert.Equal(150, Exposition.Value(text, "function_bytes_out_total"));
    }

    [Fact]
    public void Process_series_are_exposed()
    {
        var text = Exposition.Render(_metrics);

        Assert.True(Exposition.Value(text, "process_resident_memory_bytes") > 0);
        Assert.True(Exposition.Value(text, "process_open_fds") > 0);
        Assert.True(Exposition.Value(text, "process_start_time_seconds") > 1_500_000_000);
    }
}
