using Fwatchdog.Execution;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>What the client gets for an outcome, before any of the function's output is sent.</summary>
public enum AnswerAction
{
    /// <summary>200 and the function's output.</summary>
    SendOutput,
    /// <summary><see cref="OutcomeAnswer.Status"/>, then <see cref="OutcomeAnswer.Text"/> followed by the function's output (Go's "exit status 1\n…").</summary>
    SendTextThenOutput,
    /// <summary><see cref="OutcomeAnswer.Status"/> with <see cref="OutcomeAnswer.Text"/> as the whole body.</summary>
    SendText,
    /// <summary>No answer: the connection is closed, as Go's server does when a deadline passes.</summary>
    CloseConnection,
    /// <summary>No answer: the client is gone already.</summary>
    Nothing,
}

/// <summary>
/// The one mapping from how a call ended to its HTTP answer — status, body text, and the reason a
/// streaming response names in its X-Function-Status trailer. Pure: no I/O, no options but the one
/// the 413 text quotes; success allocates nothing.
/// </summary>
public readonly record struct OutcomeAnswer(AnswerAction Action, int Status, string? Text, string Reason)
{
    public const string KilledText = "Killed process.\n";
    private const string Success = "exit status 0";
    private const string ReadTimeoutReason = "read_timeout reached while reading the request body";

    public static OutcomeAnswer For(in RunOutcome outcome, long maxRequestBytes) => outcome.End switch
    {
        RunEnd.Exited when outcome.Exit.Success => new(AnswerAction.SendOutput, StatusCodes.Status200OK, null, Success),
        RunEnd.Exited => ExitedWith(outcome.Exit.ToString()),
        RunEnd.ExecTimeout => new(AnswerAction.SendText, StatusCodes.Status408RequestTimeout, KilledText, "Killed process."),
        RunEnd.InputTimeout => new(AnswerAction.CloseConnection, 0, null, ReadTimeoutReason),
        RunEnd.WriteTimeout => new(AnswerAction.CloseConnection, 0, null, "write_timeout reached"),
        RunEnd.ClientGone => new(AnswerAction.Nothing, 0, null, "client went away"),
        RunEnd.InputTooLarge => new(AnswerAction.SendText, StatusCodes.Status413PayloadTooLarge,
            $"Request body too large: the limit is {maxRequestBytes} bytes (max_request_bytes).\n", "request body larger than max_request_bytes"),
        RunEnd.InputMalformed => new(AnswerAction.SendText, MalformedStatus(outcome.Error),
            $"Bad request: {outcome.Error?.Message}\n", $"reading the request failed: {outcome.Error?.Message}"),
        RunEnd.InputFailed => new(AnswerAction.CloseConnection, 0, null, $"reading the request failed: {outcome.Error?.Message}"),
        RunEnd.OutputFailed => new(AnswerAction.SendText, StatusCodes.Status500InternalServerError,
            "Could not buffer the function's output.\n", $"writing the response failed: {outcome.Error?.Message}"),
        RunEnd.FailedToStart => new(AnswerAction.SendText, StatusCodes.Status500InternalServerError,
            outcome.Error?.Message + "\n", $"starting the function failed: {outcome.Error?.Message}"),
        _ => new(AnswerAction.SendText, StatusCodes.Status400BadRequest, "Bad request.\n", "refused"),
    };

    private static OutcomeAnswer ExitedWith(string status) =>
        new(AnswerAction.SendTextThenOutput, StatusCodes.Status500InternalServerError, status + "\n", status);

    /// <summary>Kestrel says which status a malformed body deserves (400 nearly always).</summary>
    private static int MalformedStatus(Exception? error) =>
        error?.InnerException is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;

    /// <summary>Sends this answer when it needs none of the function's output.</summary>
    public Task SendAsync(HttpContext context)
    {
        switch (Action)
        {
            case AnswerAction.SendText:
                return PlainText.WriteAsync(context, Status, Text!);
            case AnswerAction.CloseConnection:
                context.Abort();
                return Task.CompletedTask;
            case AnswerAction.Nothing:
                return Task.CompletedTask;
            default:
                throw new InvalidOperationException($"{Action} needs the function's output.");
        }
    }
}
