using System.IO.Pipelines;
using Fwatchdog.Configuration;
using Fwatchdog.Testing;
using Microsoft.Extensions.Time.Testing;
using Serilog;

namespace Fwatchdog.Execution.Tests;

/// <summary>
/// The run names the whole cause of its end — exec timeout, input deadline, refused input, client gone,
/// write deadline — with time injected, so no test waits for a deadline to pass.
/// </summary>
[Collection(SupervisedCollection.Name)]
public sealed class RunOutcomeTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly ProcessSupervisor _supervisor = new(new LoggerConfiguration().CreateLogger());
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _supervisor.Dispose();

    private FunctionRun Start(params string[] script)
    {
        var runner = new FunctionRunner(_supervisor, new CommandLine("sh", ["-c", .. script]), TimeSpan.FromSeconds(1), combineOutput: true,
            16 * 1024, new StartFailureStreak(TimeProvider.System), _time);
        return runner.Start(null, null);
    }

    [Fact]
    public async Task Exec_timeout_kills_the_group_and_says_so()
    {
        using var run = Start("sleep 30");
        var completion = run.CompleteAsync(null, Stream.Null, new RunDeadlines(TimeSpan.FromSeconds(5)), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(5));

        var outcome = await completion.WaitAsync(Patience);
        Assert.Equal(RunEnd.ExecTimeout, outcome.End);
        Assert.Equal("signal: terminated", outcome.Exit.ToString());
    }

    [Fact]
    public async Task Nothing_ends_before_the_exec_timeout()
    {
        using var run = Start("cat > /dev/null; exit 4");
        var input = new Pipe();
        var completion = run.CompleteAsync(input.Reader.AsStream(), Stream.Null, new RunDeadlines(TimeSpan.FromSeconds(5)), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(4.9));
        await input.Writer.CompleteAsync();

        var outcome = await completion.WaitAsync(Patience);
        Assert.Equal(RunEnd.Exited, outcome.End);
        Assert.Equal(4, outcome.Exit.Code);
    }

    [Fact]
    public async Task Input_not_read_to_its_end_by_its_deadline_is_an_input_timeout()
    {
        using var run = Start("cat");
        var stalled = new Pipe();
        var completion = run.CompleteAsync(stalled.Reader.AsStream(), Stream.Null, new RunDeadlines(TimeSpan.Zero, TimeSpan.FromSeconds(1)), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(RunEnd.InputTimeout, (await completion.WaitAsync(Patience)).End);
    }

    [Fact]
    public async Task The_input_deadline_no_longer_counts_once_the_input_has_ended()
    {
        // The function reads its input to the end, says so, and is held at the gate: it is still
        // running when the input deadline passes, whatever the machine's load.
        using var gate = new FunctionGate();
        using var run = Start($"cat > /dev/null; echo read; {gate.WaitScript}");
        var output = new FirstWrite();
        var completion = run.CompleteAsync(new MemoryStream("hello"u8.ToArray()), output, new RunDeadlines(TimeSpan.Zero, TimeSpan.FromSeconds(1)),
            CancellationToken.None);
        await output.Written.WaitAsync(Patience);

        _time.Advance(TimeSpan.FromSeconds(2));
        gate.Release();

        var outcome = await completion.WaitAsync(Patience);
        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal(5, outcome.BytesIn);
    }

    [Theory]
    [InlineData(InputRejection.TooLarge, RunEnd.InputTooLarge)]
    [InlineData(InputRejection.Malformed, RunEnd.InputMalformed)]
    public async Task Input_that_refuses_its_own_data_names_why(InputRejection rejection, RunEnd expected)
    {
        using var run = Start("cat");

        var outcome = await run.CompleteAsync(new RefusingStream(rejection), Stream.Null, RunDeadlines.None, CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(expected, outcome.End);
        Assert.IsType<InputRejectedException>(outcome.Error);
    }

    [Fact]
    public async Task A_caller_that_goes_away_is_client_gone()
    {
        using var run = Start("sleep 30");
        using var gone = new CancellationTokenSource();
        var completion = run.CompleteAsync(null, Stream.Null, RunDeadlines.None, gone.Token);

        await gone.CancelAsync();

        Assert.Equal(RunEnd.ClientGone, (await completion.WaitAsync(Patience)).End);
    }

    [Fact]
    public async Task A_passed_write_deadline_is_a_write_timeout()
    {
        using var run = Start("sleep 30");
        using var writeDeadline = new CancellationTokenSource();
        var completion = run.CompleteAsync(null, Stream.Null, RunDeadlines.None, CancellationToken.None, writeDeadline.Token);

        await writeDeadline.CancelAsync();

        Assert.Equal(RunEnd.WriteTimeout, (await completion.WaitAsync(Patience)).End);
    }

    [Fact]
    public async Task A_group_that_ignores_sigterm_is_killed_after_the_kill_grace()
    {
        using var run = Start("trap '' TERM; echo ready; sleep 30 & wait");
        var output = new FirstWrite();
        var completion = run.CompleteAsync(null, output, new RunDeadlines(TimeSpan.FromSeconds(1)), CancellationToken.None);
        await output.Written.WaitAsync(Patience);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(completion.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        var outcome = await completion.WaitAsync(Patience);
        Assert.Equal(RunEnd.ExecTimeout, outcome.End);
        Assert.Equal("signal: killed", outcome.Exit.ToString());
    }

    [Fact]
    public async Task Output_still_being_written_after_the_exit_is_relayed_past_the_kill_grace()
    {
        // 60,000 bytes fit the pipe, so the function exits while the destination holds the first write.
        using var dir = new TempDirectory("relay");
        var pidFile = dir.File("pid");
        using var run = Start($"echo $$ > {pidFile}; exec head -c 60000 /dev/zero");
        var destination = new HeldStream();
        using var writeDeadline = new CancellationTokenSource();
        var completion = run.CompleteAsync(null, destination, RunDeadlines.None, CancellationToken.None, writeDeadline.Token);
        await destination.Held.WaitAsync(Patience);
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await Eventually.TrueWithinAsync(() => ProcFs.TryRead(pid) is null or { IsZombie: true }, Patience), "The function did not exit.");

        for (var i = 0; i < 10; i++)
        {
            // Ten kill graces pass while the write is held; none of them may cut the output.
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }
        Assert.False(completion.IsCompleted);
        destination.Release();

        var outcome = await completion.WaitAsync(Patience);
        Assert.Equal(RunEnd.Exited, outcome.End);
        Assert.Equal(60000, outcome.BytesOut);
        Assert.Equal(60000, destination.Length);
    }

    [Fact]
    public async Task A_write_deadline_after_the_exit_cuts_the_output_and_says_so()
    {
        using var run = Start("head -c 60000 /dev/zero");
        var destination = new HeldStream();
        using var writeDeadline = new CancellationTokenSource();
        var completion = run.CompleteAsync(null, destination, RunDeadlines.None, CancellationToken.None, writeDeadline.Token);
        await destination.Held.WaitAsync(Patience);

        await writeDeadline.CancelAsync();

        Assert.Equal(RunEnd.WriteTimeout, (await completion.WaitAsync(Patience)).End);
    }

    [Fact]
    public async Task Without_a_write_deadline_a_pipe_still_open_after_the_exit_is_cut_after_the_kill_grace()
    {
        // The background sleep left the group before the leader exits, and keeps stdout open.
        using var dir = new TempDirectory("escaped");
        var pidFile = dir.File("pid");
        using var run = Start($"setsid sh -c 'echo $$ > {pidFile}; exec sleep 30' & while [ ! -s {pidFile} ]; do sleep 0.01; done; echo done");
        var destination = new MemoryStream();
        var completion = run.CompleteAsync(null, destination, RunDeadlines.None, CancellationToken.None);

        Assert.True(await Eventually.TrueWithinAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return completion.IsCompleted;
        }, Patience), "The run waited on the held pipe.");

        var outcome = await completion;
        Assert.Equal(RunEnd.Exited, outcome.End);
        Assert.Equal("done\n", System.Text.Encoding.ASCII.GetString(destination.ToArray()));
        Signals.Send(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture), 9);
    }

    private sealed class RefusingStream(InputRejection rejection) : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new InputRejectedException(rejection, "refused");
    }

    /// <summary>A destination whose first write is held until <see cref="Release"/>: a client that stopped reading.</summary>
    private sealed class HeldStream : MemoryStream
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Held => _held.Task;

        public void Release() => _released.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _held.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            await base.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Signals the first write of output: the function has got that far.</summary>
    private sealed class FirstWrite : MemoryStream
    {
        private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Written => _written.Task;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _written.TrySetResult();
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
