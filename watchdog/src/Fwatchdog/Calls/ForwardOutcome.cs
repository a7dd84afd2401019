using Fwatchdog.Execution;

namespace Fwatchdog.Calls;

/// <summary>
/// How a forwarded call ended, each cause once (YARP's <c>ForwarderError</c> is the model): the
/// endpoint's steps return it (inside a <see cref="CallOutcome"/>), <see cref="CallFinisher"/> answers, logs and counts it.
/// </summary>
internal enum ForwardEnd : byte
{
    /// <summary>The upstream's response was relayed to the client whole (any status).</summary>
    Relayed = 1,
    /// <summary>The upstream switched protocols and the session was relayed until one side ended it.</summary>
    Upgraded,
    /// <summary>The client's request was refused before or while it was forwarded (413, 400); <see cref="ForwardOutcome.Rejection"/> says which.</summary>
    RequestRejected,
    /// <summary>The request body was not read to its end within read_timeout: the connection was closed.</summary>
    ReadTimeout,
    /// <summary>The client went away; the upstream request was aborted.</summary>
    ClientGone,
    /// <summary>exec_timeout, or a shorter X-Timeout, passed before the upstream finished: 504.</summary>
    Timeout,
    /// <summary>The function's server did not accept connections within the start limit: 503.</summary>
    UpstreamNotStarted,
    /// <summary>The function's server exited before it accepted connections: 502.</summary>
    UpstreamExited,
    /// <summary>Connecting to the upstream, or reading its answer, failed: 502 (or an abort once the status went out).</summary>
    UpstreamFailed,
    /// <summary>The upstream agreed to switch protocols but the connection could not be handed over.</summary>
    UpgradeFailed,
}

/// <param name="Error">What failed, for the failure ends.</param>
/// <param name="Rejection">For <see cref="ForwardEnd.RequestRejected"/>: the same cause a fork mode would give the body (too large, malformed).</param>
/// <param name="Detail">For <see cref="ForwardEnd.Upgraded"/>: which side ended the session, and how.</param>
internal readonly record struct ForwardOutcome(ForwardEnd End, Exception? Error = null, RunEnd Rejection = default, string? Detail = null)
{
    public static readonly ForwardOutcome Relayed = new(ForwardEnd.Relayed);
}
