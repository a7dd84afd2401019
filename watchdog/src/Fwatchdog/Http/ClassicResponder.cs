using System.Globalization;
using System.Text;
using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// mode=classic, the Go watchdog's contract: hold the output until the process ends (spilling to
/// disk past max_buffer_bytes), then answer 200 with it, 500 with "exit status N" before it, or
/// 408 "Killed process." — and write that answer within write_timeout.
/// </summary>
internal sealed class ClassicResponder(WatchdogOptions options, IWatchdogMetrics metrics, RequestInput input)
{
    private static readonly byte[] KilledBody = "Killed process.\n"u8.ToArray();

    public async Task RespondAsync(FunctionCall call)
    {
        var context = call.Context;
        var response = context.Response;
        using var output = new SpillBuffer(options.MaxBufferBytes, options.TempDirectory);
        var outcome = await call.Run.CompleteAsync(call.Input, output, call.Timeout, context.RequestAborted).ConfigureAwait(false);
        var seconds = call.ElapsedSeconds;
        OutcomeMetrics.Record(metrics, outcome, seconds);

        switch (outcome.End)
        {
            case RunEnd.Exited when outcome.Exit.Success:
                var cgi = options.CgiResponse ? await CgiResponse.ReadAsync(output, call.Log, context.RequestAborted).ConfigureAwait(false) : default;
                if (cgi.Fault is not null)
                {
                    await CgiResponse.AnswerInvalidAsync(context, cgi.Fault).ConfigureAwait(false);
                    break;
                }
                ResponseHeaders.SetContentType(context, options);
                response.Headers["X-Duration-Seconds"] = seconds.ToString("F6", CultureInfo.InvariantCulture);
                response.StatusCode = StatusCodes.Status200OK;
                cgi.Headers?.ApplyTo(response);
                response.ContentLength = output.Length - cgi.BlockLength;
                if (!await WriteAsync(context, output, prefix: null, call.Log, skip: cgi.BlockLength).ConfigureAwait(false))
                    break;
                if (options.WriteDebug)
                    await DebugOutput.LogSuccessAsync(call.Log, output, options.LogBufferSize, seconds, response.StatusCode).ConfigureAwait(false);
                else
                    call.Log.Wrote(output.Length, seconds, response.StatusCode);
                break;

            case RunEnd.Exited:
                var status = Encoding.UTF8.GetBytes(outcome.Exit + "\n");
                if (options.WriteDebug)
                    await DebugOutput.LogFailureAsync(call.Log, outcome.Exit.ToString(), output, options.LogBufferSize).ConfigureAwait(false);
                call.Log.Failed(outcome.Exit.ToString(), output.Length, seconds, StatusCodes.Status500InternalServerError);
                response.StatusCode = StatusCodes.Status500InternalServerError;
                response.ContentType = PlainText.ContentType;
                response.ContentLength = status.Length + output.Length;
                await WriteAsync(context, output, status, call.Log).ConfigureAwait(false);
                break;

            case RunEnd.TimedOut:
                call.Log.TimedOut(options.FunctionProcess ?? "", GoDuration.Format(call.Timeout), seconds);
                response.StatusCode = StatusCodes.Status408RequestTimeout;
                response.ContentType = PlainText.ContentType;
                response.ContentLength = KilledBody.Length;
                await response.Body.WriteAsync(KilledBody, context.RequestAborted).ConfigureAwait(false);
                break;

            case RunEnd.Aborted or RunEnd.InputFailed when call.InputTimedOut:
                call.Log.Warning("Reading the request body took longer than read_timeout ({timeout}); the connection was closed and the function killed.",
                    GoDuration.Format(options.ReadTimeout));
                break;

            case RunEnd.InputFailed:
                await input.ReportFailureAsync(context, outcome.Error, call.Log).ConfigureAwait(false);
                break;

            case RunEnd.OutputFailed:
                var problem = TempDirectoryProblem.Explain(options.TempDirectory, outcome.Error);
                call.Log.Error("Could not hold the function's output: {reason}; {remedy}, or raise max_buffer_bytes.", problem.Reason, problem.Remedy);
                await PlainText.WriteAsync(context, StatusCodes.Status500InternalServerError, "Could not buffer the function's output.\n").ConfigureAwait(false);
                break;

            case RunEnd.Aborted:
                call.Log.Warning("Client went away after {duration:F6}s; the function was killed.", seconds);
                break;
        }
    }

    /// <returns>False when the response could not be written completely (and the connection is gone).</returns>
    private async Task<bool> WriteAsync(HttpContext context, SpillBuffer output, byte[]? prefix, RequestLog log, long skip = 0)
    {
        using var writeTimeout = new CancellationTokenSource(GoDuration.NoneIfZero(options.WriteTimeout));
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
            log.Warning("Writing the response took longer than write_timeout ({timeout}); the connection was closed.", GoDuration.Format(options.WriteTimeout));
            context.Abort();
            return false;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            log.Warning("Client went away while the response was written: {error}", e.Message);
            return false;
        }
    }
}
