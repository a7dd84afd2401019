using System.Runtime.InteropServices;
using Fwatchdog.Configuration;
using Fwatchdog.Execution.Native;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// The .NET runtime settings mode=http chooses for the watchdog's own process. Both exist only as
/// environment variables the runtime reads once, so they are set in the watchdog's environment —
/// and withheld from the function's server, which must start with the environment it was given.
/// <list type="bullet">
/// <item>A 4 MiB gen0 GC budget. Each proxied request allocates a few KB (HttpClient's request and
/// response, the log event), so the 1 MiB budget built into the binary for the fork modes' footprint
/// meant a collection every few milliseconds under load; 4 MiB costs less CPU per request at the
/// same peak memory (bench/README.md, "Measurements behind the settings"). The GC reads its budget before Main runs, so the watchdog replaces itself once at start-up with the
/// same binary, arguments and environment plus the budget (execve: same PID, nothing written yet,
/// ~3 ms); the new process finds <see cref="Marker"/> and removes the three variables again.</item>
/// <item>Socket completions inline on the epoll thread that saw them instead of queued to the thread
/// pool, so an upstream's answer continues the proxied request without a thread hop (Kestrel still
/// hands each request to the pool: WatchdogServer.ProxiesOnThreadPool): more requests per second
/// for less CPU each (bench/README.md). Set before any socket exists and left
/// set: the runtime reads it when the first socket is registered with epoll, on whichever thread.</item>
/// </list>
/// An operator's own value for any of these is left as it is, in force and inherited (no re-exec for
/// a GC budget of their own). The fork modes keep the runtime's defaults and the built-in budget.
/// </summary>
internal sealed unsafe record ProxyRuntimeSettings(IReadOnlyList<string> WithheldFromFunction, string? Warning)
{
    /// <summary>Set by the re-exec alone: the budget variables are the watchdog's, not the operator's.</summary>
    internal const string Marker = "FWATCHDOG_GC_BUDGET";

    internal const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private static readonly string[] BudgetNames = ["GCgen0size", "GCGen0MaxBudget"];
    private const string FourMiB = "400000"; // the GC reads its settings as hexadecimal

    public static readonly ProxyRuntimeSettings None = new([], null);

    /// <summary>
    /// Call first thing after the configuration is read, before anything is written or any socket
    /// exists. In mode=http it does not return the first time: the process is replaced by itself.
    /// </summary>
    public static ProxyRuntimeSettings Apply(ExecutionMode mode)
    {
        var reExecuted = Environment.GetEnvironmentVariable(Marker) is not null;
        if (reExecuted)
        {
            foreach (var name in BudgetNames)
                Environment.SetEnvironmentVariable("DOTNET_" + name, null);
            Environment.SetEnvironmentVariable(Marker, null);
        }
        if (mode != ExecutionMode.Http)
            return None;

        string? warning = null;
        if (!reExecuted && !OperatorChoseBudget())
            warning = ReExecuteWithBudget(); // returns only when execve failed

        if (Environment.GetEnvironmentVariable(InlineCompletions) is not null)
            return new([], warning);
        Environment.SetEnvironmentVariable(InlineCompletions, "1");
        return new([InlineCompletions], warning);
    }

    private static bool OperatorChoseBudget() =>
        BudgetNames.Any(name => Environment.GetEnvironmentVariable("DOTNET_" + name) is not null
                                || Environment.GetEnvironmentVariable("COMPlus_" + name) is not null);

    /// <returns>Why the budget could not be applied: execve returns only when it failed.</returns>
    private static string ReExecuteWithBudget()
    {
        // Its real path, not /proc/self/exe: the kernel names the process after the file it executes,
        // and `ps`, `pidof` and tests look for "fwatchdog", not "exe". (qemu-user answers with the guest binary.)
        var path = Environment.ProcessPath;
        if (path is null)
            return Unapplied("the watchdog's own path is unknown: is /proc mounted?");

        using var environment = new EnvironmentBlock(EnvironmentBlock.Current());
        var envp = environment.Build([.. BudgetNames.Select(name => new KeyValuePair<string, string>("DOTNET_" + name, FourMiB)), new(Marker, "1")]);
        var argv = NativeStrings.AllocateArray(Environment.GetCommandLineArgs());
        var nativePath = NativeStrings.Allocate(path);
        try
        {
            LibC.execve(nativePath, argv, envp);
            return Unapplied($"execve {path}: {Errno.Describe(Marshal.GetLastPInvokeError())}");
        }
        finally
        {
            NativeMemory.Free(nativePath);
            NativeStrings.FreeArray(argv);
            EnvironmentBlock.Free(envp);
        }
    }

    private static string Unapplied(string cause) =>
        $"mode=http runs with the fork modes' 1 MiB GC budget instead of 4 MiB ({cause}), which costs about 5% of its throughput; set DOTNET_GCgen0size=400000 and DOTNET_GCGen0MaxBudget=400000 to choose the budget yourself.";
}
