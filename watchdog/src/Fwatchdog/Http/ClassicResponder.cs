using System.Globalization;
using System.Text;
using Fwatchdog.Calls;
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
internal sealed class ClassicResponder(WatchdogOptions options, TimeProvider time) : IFunctionResponder
{
    public async Task<ForkOutcome> RespondAsync(FunctionCall call)
    {
        var context = call.Context;
        var response = context.Response;
        using var output = new SpillBuffer(options.MaxBufferBytes, options.TempDirectory);
        var outcome = await call.Run.CompleteAsync(call.Input, output, call.Deadlines, context.RequestAborted).ConfigureAwait(false);
        var seconds = call.ElapsedSeconds;
        var answer = OutcomeAnswer.For(outcome, options.MaxRequestBytes);

        switch (answer.Action)
        {
            case AnswerAction.SendOutput:
                var cgi = options.CgiResponse ? await CgiResponse.ReadAsync(output, call.Log, context.RequestAborted).ConfigureAwait(false) : default;
                if (cgi.Fault is not null)
                {
                    return new ForkOutcome(outcome, seconds, CallDelivery.InvalidCgiResponse, DeliveryProblem: cgi.Fault);
                }
                ResponseHeaders.SetContentType(context, options);
                response.Headers["X-Duration-Seconds"] = seconds.ToString("F6", CultureInfo.InvariantCulture);
                response.StatusCode = answer.Status;
                cgi.Headers?.ApplyTo(response);
                await SniffedContentType.SetIfMissingAsync(response, options.ContentType, output, cgi.BlockLength, context.RequestAborted).ConfigureAwait(false);
                response.ContentLength = output.Length - cgi.BlockLength;
                if (await WriteAsync(context, output, prefix: null, skip: cgi.BlockLength).ConfigureAwait(false) is { } cut)
                    return cut with { Run = outcome, Seconds = seconds };
                if (options.WriteDebug)
                    await DebugOutput.LogOutputAsync(call.Log, output, options.LogBufferSize).ConfigureAwait(false);
                return new ForkOutcome(outcome, seconds, CallDelivery.Sent, output.Length);

            case AnswerAction.SendTextThenOutput:
                var status = Encoding.UTF8.GetBytes(answer.Text!);
                if (options.WriteDebug)
                    await DebugOutput.LogFailureAsync(call.Log, answer.Reason, output, options.LogBufferSize).ConfigureAwait(false);
                response.StatusCode = answer.Status;
                response.ContentType = PlainText.ContentType;
                response.ContentLength = status.Length + output.Length;
                if (await WriteAsync(context, output, status).ConfigureAwait(false) is { } failed)
                    return failed with { Run = outcome, Seconds = seconds };
                return new ForkOutcome(outcome, seconds, CallDelivery.Sent, output.Length);

            default:
                return new ForkOutcome(outcome, seconds, CallDelivery.Pending);
        }
    }

    /// <returns>Null when the answer was written whole; else how it was cut (the connection is gone).</returns>
    private async Task<ForkOutcome?> WriteAsync(HttpContext context, SpillBuffer output, byte[]? prefix, long skip = 0)
    {
        using var writeTimeout = new CancellationTokenSource(GoDuration.NoneIfZero(options.WriteTimeout), time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, writeTimeout.Token);
        try
        {
            if (prefix is not null)
                await context.Response.Body.WriteAsync(prefix, stop.Token).ConfigureAwait(false);
            await output.ReplayToAsync(context.Response.Body, stop.Token, skip).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (writeTimeout.IsCancellationRequested)
        {
            return new ForkOutcome(default, 0, CallDelivery.Cut, DeliveryEnd: RunEnd.WriteTimeout);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return new ForkOutcome(default, 0, CallDelivery.Cut, DeliveryEnd: RunEnd.ClientGone, DeliveryProblem: e.Message);
        }
    }
}
