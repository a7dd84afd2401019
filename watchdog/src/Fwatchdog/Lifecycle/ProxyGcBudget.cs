using System.Runtime.InteropServices;
using Fwatchdog.Configuration;
using Fwatchdog.Execution.Native;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// mode=http's garbage-collection budget. Each proxied request allocates ~5 KB (HttpClient's request
/// and response, the log event); with the 1 MiB gen0 budget built into the binary for the fork
/// modes' memory footprint, that is ~180 collections a second at 36k req/s. A 4 MiB budget measured
/// 33.0-33.4 -> 31.1-32.0 µs of watchdog CPU per request (A/B interleaved, 64 connections), at
/// 20.8 -> 22 MiB peak RSS. The GC reads its budget once, before Main runs, from the binary or from
/// DOTNET_GCgen0size / DOTNET_GCGen0MaxBudget; so in mode=http the watchdog replaces itself once at
/// start-up with the same binary, arguments and environment plus those variables (execve: same PID,
/// nothing written yet, ~3 ms). The new process removes them from its environment again before
/// anything reads it, so the function's server never inherits them.
/// </summary>
/// <remarks>
/// An operator's own DOTNET_GCgen0size or DOTNET_GCGen0MaxBudget is left as it is: no re-exec. When
/// execve fails the watchdog goes on with the built-in budget and says so.
/// </remarks>
internal static unsafe class ProxyGcBudget
{
    /// <summary>Set by the re-exec alone: tells the new process that the budget variables are the watchdog's, not the operator's.</summary>
    internal const string Marker = "FWATCHDOG_GC_BUDGET";

    private const string Gen0Size = "DOTNET_GCgen0size";
    private const string Gen0MaxBudget = "DOTNET_GCGen0MaxBudget";
    private const string FourMiB = "400000"; // the GC reads these settings as hexadecimal

    /// <summary>
    /// Call first thing after the configuration is read. Does not return when it re-executes; returns
    /// a warning for the log when it should have but could not, else null.
    /// </summary>
    public static string? Apply(ExecutionMode mode)
    {
        if (Environment.GetEnvironmentVariable(Marker) is not null)
        {
            foreach (var name in new[] { Gen0Size, Gen0MaxBudget, Marker })
                Environment.SetEnvironmentVariable(name, null);
            return null;
        }
        if (mode != ExecutionMode.Http
            || Environment.GetEnvironmentVariable(Gen0Size) is not null
            || Environment.GetEnvironmentVariable(Gen0MaxBudget) is not null)
            return null;

        var path = Environment.ProcessPath;
        if (path is null)
            return Unapplied("the watchdog's own path is unknown");
        var errno = ReExecute(path, Environment.GetCommandLineArgs());
        return Unapplied($"execve {path}: {Errno.Describe(errno)}");
    }

    /// <returns>errno: execve returns only when it failed.</returns>
    private static int ReExecute(string path, string[] arguments)
    {
        var inherited = Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .Select(entry => new KeyValuePair<string, string>((string)entry.Key, (string?)entry.Value ?? ""));
        using var environment = new EnvironmentBlock(inherited);
        var envp = environment.Build([new(Gen0Size, FourMiB), new(Gen0MaxBudget, FourMiB), new(Marker, "1")]);
        var argv = NativeStrings.AllocateArray(arguments);
        var nativePath = NativeStrings.Allocate(path);
        try
        {
            LibC.execve(nativePath, argv, envp);
            return Marshal.GetLastPInvokeError();
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
