using System.Diagnostics;
using Fwatchdog.Calls;
using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// ready_path in the fork modes, as the of-watchdog does in every mode: <c>/_/ready</c> runs the
/// function as a <c>GET</c> of ready_path (it sees <c>Http_Path</c> and <c>Http_Method</c>), and the
/// function's answer is the readiness answer — 200 with its output when it exits 0, 500 when it
/// fails, 408 on exec_timeout, in mode=streaming too (answered whole, as classic mode does: the
/// of-watchdog's streaming mode answers 200 whatever the exit, so a failing check still reads as
/// ready there). The function decides what "ready" means (a warm cache, a reachable
/// database). Like the of-watchdog, it goes to the mode's own endpoint, never through jwt_auth.
/// </summary>
internal sealed class FunctionReadyPathCheck(IFunctionEndpoint function, CallFinisher finisher, string readyPath) : IReadinessCheck
{
    public async Task RespondAsync(HttpContext context)
    {
        var request = context.Request;
        request.Method = HttpMethods.Get;
        request.Path = readyPath;
        request.QueryString = QueryString.Empty;
        var started = Stopwatch.GetTimestamp();
        var outcome = await function.HandleAsync(context, started).ConfigureAwait(false);
        await finisher.FinishAsync(context, started, outcome).ConfigureAwait(false);
    }
}
