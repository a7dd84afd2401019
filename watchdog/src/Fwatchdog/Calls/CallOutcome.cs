using Fwatchdog.Execution;
using Fwatchdog.Proxy;
using Fwatchdog.Telemetry;

namespace Fwatchdog.Calls;

/// <summary>Where a call ended, and so which part of <see cref="CallOutcome"/> says how.</summary>
internal enum CallStage : byte
{
    /// <summary>Refused before anything ran (headers, method, max_inflight, jwt_auth): <see cref="CallOutcome.Refusal"/>.</summary>
    Refused = 1,
    /// <summary>A fork mode started (or could not start) the function: <see cref="CallOutcome.Fork"/>.</summary>
    Forked,
    /// <summary>mode=http forwarded it to the function's server: <see cref="CallOutcome.Forward"/>.</summary>
    Forwarded,
    /// <summary>mode=static looked up a file: <see cref="CallOutcome.File"/>.</summary>
    Served,
}

/// <summary>
/// How one call to the function's paths ended, in every mode, with its whole cause: what every
/// endpoint returns and <see cref="CallFinisher"/> alone answers (where nothing was sent yet), logs
/// and counts. A struct, built without allocating; only the part its <see cref="Stage"/> names is set.
/// </summary>
internal readonly struct CallOutcome
{
    private CallOutcome(CallStage stage, Refusal? refusal = null, in ForkOutcome fork = default, in ForwardOutcome forward = default,
        FileEnd file = default, RequestLog? log = null, TimeSpan limit = default, long bytesIn = 0, long bytesOut = 0, UpstreamAnswer upstream = default)
    {
        Stage = stage;
        Refusal = refusal;
        Fork = fork;
        Forward = forward;
        File = file;
        Log = log;
        Limit = limit;
        BytesIn = bytesIn;
        BytesOut = bytesOut;
        Upstream = upstream;
    }

    public CallStage Stage { get; }
    public Refusal? Refusal { get; }
    public ForkOutcome Fork { get; }
    public ForwardOutcome Forward { get; }
    public FileEnd File { get; }
    /// <summary>The call's log, once it had an id (fork and forwarded calls).</summary>
    public RequestLog? Log { get; }
    /// <summary>exec_timeout, or the request's shorter X-Timeout, that applied; zero when there was none.</summary>
    public TimeSpan Limit { get; }
    /// <summary>For a forwarded call: the body bytes it moved each way (a run's are in its <see cref="Execution.RunOutcome"/>).</summary>
    public long BytesIn { get; }
    public long BytesOut { get; }
    /// <summary>For a forwarded call: the upstream's answer, for the call line.</summary>
    public UpstreamAnswer Upstream { get; }

    /// <summary>The call ended because its client left (<see cref="RunEnd.ClientGone"/>, <see cref="ForwardEnd.ClientGone"/>).</summary>
    public bool ClientLeft => Stage switch
    {
        CallStage.Forked => Fork.Run.End == RunEnd.ClientGone || Fork.DeliveryEnd == RunEnd.ClientGone,
        CallStage.Forwarded => Forward.End == ForwardEnd.ClientGone,
        _ => false,
    };

    public static CallOutcome Refused(Refusal refusal) => new(CallStage.Refused, refusal);

    public static CallOutcome Forked(in ForkOutcome end, RequestLog log, TimeSpan execTimeout) => new(CallStage.Forked, fork: end, log: log, limit: execTimeout);

    public static CallOutcome Forwarded(in ForwardOutcome outcome, ForwardedCall call) =>
        new(CallStage.Forwarded, forward: outcome, log: call.Log, limit: call.Limit, bytesIn: call.BytesIn, bytesOut: call.BytesOut, upstream: call.Upstream);

    public static CallOutcome Served(FileEnd end) => new(CallStage.Served, file: end);
}
