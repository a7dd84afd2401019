using Fwatchdog.Http;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// One serving mode, with what runs beside its requests: <see cref="ForkMode"/> (classic,
/// streaming, serializing), <c>Proxy.ProxyMode</c> (http) and <c>Static.StaticMode</c> (static).
/// <see cref="WatchdogHost"/> builds exactly one at start-up and drives it through start,
/// readiness, failure and stop; requests only ever see its <see cref="Endpoint"/>.
/// </summary>
internal interface IWatchdogMode : IAsyncDisposable
{
    /// <summary><see cref="Failed"/> of the modes that cannot fail once started.</summary>
    protected static readonly Task NeverFails = new TaskCompletionSource().Task;

    IFunctionEndpoint Endpoint { get; }

    /// <summary>Asked by /_/ready after the watchdog's own checks; null when the mode has none.</summary>
    IReadinessCheck? ReadinessCheck { get; }

    /// <summary>Starts what must run before the first request (the upstream server). False when it cannot; the reason is logged.</summary>
    bool Start();

    /// <summary>True once requests can be served; false when they never will (the reason is logged).</summary>
    Task<bool> Ready { get; }

    /// <summary>Completes when the mode can no longer serve (the upstream exited); never for the others.</summary>
    Task Failed { get; }

    /// <summary>After the drain: stops what runs beside the requests. Returns the watchdog's exit code.</summary>
    Task<int> StopAsync();
}
