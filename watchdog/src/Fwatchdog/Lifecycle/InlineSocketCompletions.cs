using Fwatchdog.Configuration;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// mode=http: socket completions run on the epoll thread that saw them instead of being queued to
/// the thread pool, so an upstream response continues the proxied request without a thread hop
/// (Kestrel still hands each request to the pool: <c>WatchdogServer.ProxiesOnThreadPool</c>).
/// Measured at 64 connections against an nginx <c>return 200</c> upstream, A/B interleaved:
/// 36.9-37.2 -> 32.7-33.0 µs of watchdog CPU per request, 32.6-32.9k -> 36.0-36.4k req/s.
/// The fork modes keep the default: their pipes are not sockets, and they were tuned without it.
/// </summary>
/// <remarks>
/// .NET has no API for this, only DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS, read once when the
/// first socket is registered with epoll. So the variable is set in the watchdog's managed
/// environment for as long as Kestrel takes to start listening, and removed again: the function's
/// server must never inherit it (FunctionRunner also snapshots the environment before this runs).
/// A value the operator set is left as it is, in force and inherited.
/// </remarks>
internal static class InlineSocketCompletions
{
    internal const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Call before the first socket exists; dispose once the server listens.</summary>
    public static IDisposable? EnableFor(ExecutionMode mode)
    {
        if (mode != ExecutionMode.Http || Environment.GetEnvironmentVariable(Variable) is not null)
            return null;
        Environment.SetEnvironmentVariable(Variable, "1");
        return new Removal();
    }

    private sealed class Removal : IDisposable
    {
        public void Dispose() => Environment.SetEnvironmentVariable(Variable, null);
    }
}
