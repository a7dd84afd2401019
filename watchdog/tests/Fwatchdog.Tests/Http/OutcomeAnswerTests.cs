using Fwatchdog.Execution;
using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Http;

/// <summary>Every way a call ends, and the answer it gets: status, body text, and the streaming trailer's reason.</summary>
public class OutcomeAnswerTests
{
    private const long Limit = 1024;

    public static TheoryData<RunOutcome, AnswerAction, int, string?, string> Cases => new()
    {
        { Ended(RunEnd.Exited, ExitStatus.Exited(0)), AnswerAction.SendOutput, 200, null, "exit status 0" },
        { Ended(RunEnd.Exited, ExitStatus.Exited(3)), AnswerAction.SendTextThenOutput, 500, "exit status 3\n", "exit status 3" },
        { Ended(RunEnd.Exited, ExitStatus.KilledBy(9)), AnswerAction.SendTextThenOutput, 500, "signal: killed\n", "signal: killed" },
        { Ended(RunEnd.ExecTimeout), AnswerAction.SendText, 408, "Killed process.\n", "Killed process." },
        { Ended(RunEnd.InputTimeout), AnswerAction.CloseConnection, 0, null, "read_timeout reached while reading the request body" },
        { Ended(RunEnd.WriteTimeout), AnswerAction.CloseConnection, 0, null, "write_timeout reached" },
        { Ended(RunEnd.ClientGone), AnswerAction.Nothing, 0, null, "client went away" },
        { RunOutcome.BeforeStart(RunEnd.InputTooLarge), AnswerAction.SendText, 413,
            "Request body too large: the limit is 1024 bytes (max_request_bytes).\n", "request body larger than max_request_bytes" },
        { Ended(RunEnd.InputTooLarge), AnswerAction.SendText, 413,
            "Request body too large: the limit is 1024 bytes (max_request_bytes).\n", "request body larger than max_request_bytes" },
        { Ended(RunEnd.InputMalformed, new InputRejectedException(InputRejection.Malformed, "a chunk size does not fit in 64 bits")), AnswerAction.SendText, 400,
            "Bad request: a chunk size does not fit in 64 bits\n", "reading the request failed: a chunk size does not fit in 64 bits" },
        { Ended(RunEnd.InputFailed, new IOException("reset")), AnswerAction.CloseConnection, 0, null, "reading the request failed: reset" },
        { Ended(RunEnd.OutputFailed, new IOException("disk full")), AnswerAction.SendText, 500,
            "Could not buffer the function's output.\n", "writing the response failed: disk full" },
        { RunOutcome.BeforeStart(RunEnd.FailedToStart, new IOException("exec: \"x\": executable file not found in $PATH")), AnswerAction.SendText, 500,
            "exec: \"x\": executable file not found in $PATH\n", "starting the function failed: exec: \"x\": executable file not found in $PATH" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_outcome_has_one_answer(RunOutcome outcome, AnswerAction action, int status, string? text, string reason)
    {
        Assert.Equal(new OutcomeAnswer(action, status, text, reason), OutcomeAnswer.For(outcome, Limit));
    }

    [Fact]
    public void A_malformed_body_keeps_the_status_kestrel_gave_it()
    {
        var kestrel = new BadHttpRequestException("Request body too slow.", StatusCodes.Status408RequestTimeout);
        var outcome = Ended(RunEnd.InputMalformed, new InputRejectedException(InputRejection.Malformed, kestrel.Message, kestrel));

        Assert.Equal(408, OutcomeAnswer.For(outcome, Limit).Status);
    }

    [Fact]
    public async Task Closing_the_connection_aborts_it_and_writes_nothing()
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        var aborted = new AbortFeature();
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestLifetimeFeature>(aborted);

        await OutcomeAnswer.For(Ended(RunEnd.InputTimeout), Limit).SendAsync(context);

        Assert.True(aborted.Aborted);
        Assert.Equal(0, context.Response.Body.Length);
    }

    private static RunOutcome Ended(RunEnd end, Exception? error = null) => new(end, default, 0, 0, error);

    private static RunOutcome Ended(RunEnd end, ExitStatus exit) => new(end, exit, 0, 0, null);

    private sealed class AbortFeature : Microsoft.AspNetCore.Http.Features.IHttpRequestLifetimeFeature
    {
        public bool Aborted { get; private set; }
        public CancellationToken RequestAborted { get; set; }
        public void Abort() => Aborted = true;
    }
}
