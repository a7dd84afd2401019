using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// Turns an admitted request into a started function: its input (body or marshal_request JSON),
/// its CGI environment, its deadlines — or, when that fails, how the call ended instead.
/// </summary>
internal sealed class FunctionLauncher(WatchdogOptions options, FunctionRunner runner, RequestInput input)
{
    /// <returns>The prepared call, or the outcome of a call that ended before any process ran.</returns>
    public async Task<(FunctionCall? Call, RunOutcome Failure)> StartAsync(HttpContext context, string callId, RequestLog log, long started)
    {
        var request = context.Request;
        var (body, failed) = await input.OpenAsync(context).ConfigureAwait(false);
        if (failed is { } failure)
            return (null, failure);
        var environment = options.CgiHeaders ? CgiEnvironment.Build(request, callId) : null;
        log.Forking();
        if (options.WriteDebug && options.CgiHeaders)
            log.QueryAndPath(request.QueryString.HasValue ? request.QueryString.Value![1..] : "", request.Path.Value ?? "");
        try
        {
            var run = runner.Start(environment, options.CombineOutput ? null : line => log.StandardError(line, options.PrefixLogs));
            var deadlines = new RunDeadlines(RequestTimeout.Effective(options.ExecTimeout, request.Headers), options.ReadTimeout);
            return (new FunctionCall(context, run, body, deadlines, started, log), default);
        }
        catch (FunctionStartException e)
        {
            if (body is not null)
                await body.DisposeAsync().ConfigureAwait(false);
            return (null, RunOutcome.StartFailed(e));
        }
    }
}
