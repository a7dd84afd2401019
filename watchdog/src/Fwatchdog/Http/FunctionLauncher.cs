using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// Turns an admitted request into a started function: its input (body or marshal_request JSON),
/// its CGI environment, its deadlines — or, when that fails, the failure's answer and count.
/// </summary>
internal sealed class FunctionLauncher(WatchdogOptions options, FunctionRunner runner, RequestInput input, FailureReport failures, IWatchdogMetrics metrics)
{
    /// <returns>The prepared call, or null when the request was answered already.</returns>
    public async Task<FunctionCall?> StartAsync(HttpContext context, string callId, RequestLog log, long started)
    {
        var request = context.Request;
        var (body, failed) = await input.OpenAsync(context).ConfigureAwait(false);
        if (failed is { } failure)
        {
            await FailAsync(context, failure, log).ConfigureAwait(false);
            return null;
        }
        var environment = options.CgiHeaders ? CgiEnvironment.Build(request, callId) : null;
        log.Forking();
        if (options.WriteDebug && options.CgiHeaders)
            log.QueryAndPath(request.QueryString.HasValue ? request.QueryString.Value![1..] : "", request.Path.Value ?? "");
        try
        {
            var run = runner.Start(environment, options.CombineOutput ? null : line => log.StandardError(line, options.PrefixLogs));
            var deadlines = new RunDeadlines(RequestTimeout.Effective(options.ExecTimeout, request.Headers), options.ReadTimeout);
            return new FunctionCall(context, run, body, deadlines, started, log);
        }
        catch (FunctionStartException e)
        {
            if (body is not null)
                await body.DisposeAsync().ConfigureAwait(false);
            await FailAsync(context, RunOutcome.StartFailed(e), log).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>A call that ended before any process ran: counted and answered like a run that ended so.</summary>
    public Task FailAsync(HttpContext context, in RunOutcome outcome, RequestLog log)
    {
        metrics.Record(outcome, 0);
        return failures.SendAsync(context, outcome, log, 0, TimeSpan.Zero);
    }
}
