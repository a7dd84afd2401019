using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Calls;

/// <summary>
/// For <see cref="CallFinisher"/>: a call that ended without output to send: one log line in the Go watchdog's words (the cause
/// and, where the user can act, the fix), then the answer <see cref="OutcomeAnswer"/> chose.
/// </summary>
internal sealed class FailureReport(WatchdogOptions options)
{
    public Task SendAsync(HttpContext context, in RunOutcome outcome, RequestLog log, double seconds, TimeSpan execTimeout)
    {
        Log(outcome, log, seconds, execTimeout);
        return OutcomeAnswer.For(outcome, options.MaxRequestBytes).SendAsync(context);
    }

    private void Log(in RunOutcome outcome, RequestLog log, double seconds, TimeSpan execTimeout)
    {
        var killed = outcome.Started ? "; the function was killed." : ".";
        switch (outcome.End)
        {
            case RunEnd.ExecTimeout:
                log.TimedOut(options.Fprocess ?? "", GoDuration.Format(execTimeout), seconds);
                break;
            case RunEnd.InputTimeout:
                log.Warning("Reading the request body took longer than read_timeout ({timeout}); the connection was closed" + killed,
                    GoDuration.Format(options.ReadTimeout));
                break;
            case RunEnd.InputTooLarge:
                log.Warning("Request body larger than max_request_bytes ({limit}); rejected with 413.", options.MaxRequestBytes);
                break;
            case RunEnd.InputMalformed:
                log.Warning("Bad request body: {error}", outcome.Error?.Message);
                break;
            case RunEnd.InputFailed:
                log.Warning("Reading the request body failed: {error}" + killed, outcome.Error?.Message);
                break;
            case RunEnd.OutputFailed:
                var problem = TempDirectoryProblem.Explain(options.TempDirectory, outcome.Error);
                log.Error("Could not hold the function's output: {reason}; {remedy}, or raise max_buffer_bytes.", problem.Reason, problem.Remedy);
                break;
            case RunEnd.WriteTimeout:
                log.Warning("Writing the response took longer than write_timeout ({timeout}); the connection was closed.", GoDuration.Format(options.WriteTimeout));
                break;
            case RunEnd.ClientGone:
                log.Warning("Client went away after {duration:F6}s" + killed, seconds);
                break;
            case RunEnd.FailedToStart when outcome.Error is FunctionStartException start:
                log.Error("Error starting fprocess: {error}. {hint}", start.Message, start.Hint);
                break;
        }
    }
}
