using System.Globalization;
using System.Text;
using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// mode=classic, the Go watchdog's contract: hold the output until the process ends (spilling to
/// disk past max_buffer_bytes), then answer 200 with it, 500 with "exit status N" before it, or
/// 408 "Killed process." — and write that answer within write_timeout.
/// </summary>
internal sealed class ClassicResponder(WatchdogOptions options, IWatchdogMetrics metrics, FailureReport failures, TimeProvider time) : IFunctionResponder
{
    public async Task RespondAsync(FunctionCall call)
    {
        var context = call.Context;
        var response = context.Response;
        using var output = new SpillBuffer(options.MaxBufferBytes, options.TempDirectory);
        var outcome = await call.Run.CompleteAsync(call.Input, output, call.Deadlines, context.RequestAborted).ConfigureAwait(false);
        var seconds = call.ElapsedSeconds;
        metrics.Record(outcome, seconds);
        var answer = OutcomeAnswer.For(outcome, options.MaxRequestBytes);

        switch (answer.Action)
        {
            case AnswerAction.SendOutput:
                var cgi = options.CgiResponse ? await CgiResponse.ReadAsync(output, call.Log, context.RequestAborted).ConfigureAwait(false) : default;
                if (cgi.Fault is not null)
                {
                    await CgiResponse.AnswerInvalidAsync(context, cgi.Fault).ConfigureAwait(false);
                    break;
                }
                ResponseHeaders.SetContentType(context, options);
                response.Headers["X-Duration-Seconds"] = seconds.ToString("F6", CultureInfo.InvariantCulture);
                response.StatusCode = answer.Status;
                cgi.Headers?.ApplyTo(response);
                response.ContentLength = output.Length - cgi.BlockLength;
                if (!await WriteAsync(context, output, prefix: null, call.Log, skip: cgi.BlockLength).ConfigureAwait(false))
                    break;
                if (options.WriteDebug)
                    await DebugOutput.LogSuccessAsync(call.Log, output, options.LogBufferSize, seconds, response.StatusCode).ConfigureAwait(false);
                else
                    call.Log.Wrote(output.Length, seconds, response.StatusCode);
                break;

            case AnswerAction.SendTextThenOutput:
                var status = Encoding.UTF8.GetBytes(answer.Text!);
                if (options.WriteDebug)
                    await DebugOutput.LogFailureAsync(call.Log, answer.Reason, output, options.LogBufferSize).ConfigureAwait(false);
                call.Log.Failed(answer.Reason, output.Length, seconds, answer.Status);
                response.StatusCode = answer.Status;
                response.ContentType = PlainText.ContentType;
                response.ContentLength = status.Length + output.Length;
                await WriteAsync(context, output, status, call.Log).ConfigureAwait(false);
                break;

            default:
                await failures.SendAsync(context, outcome, call.Log, seconds, call.Deadlines.Exec).ConfigureAwait(false);
                break;
        }
    }

    /// <returns>False when the response could not be written completely (and the connection is gone).</returns>
    private async Task<bool> WriteAsync(HttpContext context, SpillBuffer output, byte[]? prefix, RequestLog log, long skip = 0)
    {
        using var writeTimeout = new CancellationTokenSource(GoDuration.NoneIfZero(options.WriteTimeout), time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, writeTimeout.Token);
        try
        {
            if (prefix is not null)
                await context.Response.Body.WriteAsync(prefix, stop.Token).ConfigureAwait(false);
            await output.ReplayToAsync(context.Response.Body, stop.Token, skip).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (writeTimeout.IsCancellationRequested)
        {
            // The function is done; writing its answer is what ran out of time.
            await failures.SendAsync(context, new RunOutcome(RunEnd.WriteTimeout, default, 0, 0, null), log, 0, TimeSpan.Zero).ConfigureAwait(false);
            return false;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            log.Warning("Client went away while the response was written: {error}", e.Message);
            return false;
        }
    }
}
