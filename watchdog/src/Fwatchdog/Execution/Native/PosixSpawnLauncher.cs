using System.Runtime.InteropServices;
using System.Text;
using Fwatchdog.Configuration;
using Microsoft.Win32.SafeHandles;

namespace Fwatchdog.Execution.Native;

/// <summary>
/// Starts function processes with posix_spawnp (vfork-fast, no managed fork lock), each as the
/// leader of a new process group, with default signal dispositions (the runtime ignores SIGPIPE;
/// a function must not inherit that) and an empty signal mask. Argument vector and the watchdog's
/// own environment are encoded once; per request only the extra variables are encoded.
/// </summary>
internal sealed unsafe class PosixSpawnLauncher : IDisposable
{
    private readonly string _program;
    private readonly byte* _file;
    private readonly byte** _argv;
    private readonly EnvironmentBlock _environment;
    private readonly PipeEventLoop _events;
    private readonly ChildReaper _reaper;

    public PosixSpawnLauncher(CommandLine command, IEnumerable<KeyValuePair<string, string>> baseEnvironment, PipeEventLoop events, ChildReaper reaper)
    {
        _program = command.Program;
        _events = events;
        _reaper = reaper;
        _file = NativeStrings.Allocate(command.Program);
        _argv = NativeStrings.AllocateArray([command.Program, .. command.Arguments]);
        _environment = new EnvironmentBlock(baseEnvironment);
    }

    /// <param name="extraEnvironment">Variables added to (and overriding) the watchdog's own environment.</param>
    /// <param name="mergeStandardError">stderr into the stdout pipe, like Go's CombinedOutput.</param>
    /// <exception cref="FunctionStartException">Any failure; every fd made on the way is closed again.</exception>
    public FunctionProcess Start(IReadOnlyList<KeyValuePair<string, string>>? extraEnvironment, bool mergeStandardError)
    {
        PipePair? stdin = null, stdout = null, stderr = null;
        PipeEnd? stdinEnd = null, stdoutEnd = null, stderrEnd = null;
        var envp = _environment.Build(extraEnvironment);
        try
        {
            stdin = PipePair.Create(parentWrites: true);
            stdout = PipePair.Create(parentWrites: false);
            stderr = mergeStandardError ? null : PipePair.Create(parentWrites: false);
            stdinEnd = stdin.OpenParentEnd(_events);
            stdoutEnd = stdout.OpenParentEnd(_events);
            stderrEnd = stderr?.OpenParentEnd(_events);
            var childEnds = new ChildEnds(stdin.ChildEnd, stdout.ChildEnd, (stderr ?? stdout).ChildEnd);
            var ours = (Input: stdinEnd, Output: stdoutEnd, Error: stderrEnd);
            return _reaper.Spawn(() => new FunctionProcess(SpawnProcess(envp, childEnds), ours.Input, ours.Output, ours.Error));
        }
        catch (Exception e)
        {
            stdinEnd?.Dispose();
            stdoutEnd?.Dispose();
            stderrEnd?.Dispose();
            if (e is NativeCallException native)
                throw FunctionStartException.FromNativeCall(_program, native);
            throw;
        }
        finally
        {
            // The child holds its own copies now (or never started); ours must go or EOF never arrives.
            stdin?.Dispose();
            stdout?.Dispose();
            stderr?.Dispose();
            EnvironmentBlock.Free(envp);
        }
    }

    private readonly record struct ChildEnds(SafeFileHandle StandardInput, SafeFileHandle StandardOutput, SafeFileHandle StandardError);

    /// <returns>The child's PID.</returns>
    private int SpawnProcess(byte** envp, ChildEnds ends)
    {
        var actions = stackalloc byte[LibC.FileActionsSize];
        var attributes = stackalloc byte[LibC.SpawnAttrSize];
        NativeCallException.ThrowIfError(LibC.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        try
        {
            NativeCallException.ThrowIfError(LibC.posix_spawnattr_init(attributes), "posix_spawnattr_init");
            try
            {
                // The pairs own these fds and stay undisposed until the spawn has returned.
                AddDup2(actions, ends.StandardInput, 0);
                AddDup2(actions, ends.StandardOutput, 1);
                AddDup2(actions, ends.StandardError, 2);
                SetSignalsAndGroup(attributes);

                int pid;
                var errno = LibC.posix_spawnp(&pid, _file, actions, attributes, _argv, envp);
                if (errno != 0)
                    throw FunctionStartException.FromErrno(_program, errno);
                return pid;
            }
            finally
            {
                // Result deliberately ignored: glibc's destroy only frees memory and cannot fail.
                _ = LibC.posix_spawnattr_destroy(attributes);
            }
        }
        finally
        {
            // Result deliberately ignored, as above.
            _ = LibC.posix_spawn_file_actions_destroy(actions);
        }
    }

    private static void AddDup2(byte* actions, SafeFileHandle handle, int target) =>
        NativeCallException.ThrowIfError(
            LibC.posix_spawn_file_actions_adddup2(actions, (int)handle.DangerousGetHandle(), target), "posix_spawn_file_actions_adddup2");

    /// <summary>Own process group; default dispositions for every signal (the runtime ignores SIGPIPE and we ignore a few more); empty mask.</summary>
    private static void SetSignalsAndGroup(byte* attributes)
    {
        var emptySet = stackalloc byte[LibC.SigSetSize];
        var defaultSet = stackalloc byte[LibC.SigSetSize];
        NativeCallException.ThrowIfFailed(LibC.sigemptyset(emptySet), "sigemptyset");
        NativeCallException.ThrowIfFailed(LibC.sigfillset(defaultSet), "sigfillset");
        NativeCallException.ThrowIfFailed(LibC.sigdelset(defaultSet, LibC.SIGKILL), "sigdelset");
        NativeCallException.ThrowIfFailed(LibC.sigdelset(defaultSet, LibC.SIGSTOP), "sigdelset");
        NativeCallException.ThrowIfError(LibC.posix_spawnattr_setsigmask(attributes, emptySet), "posix_spawnattr_setsigmask");
        NativeCallException.ThrowIfError(LibC.posix_spawnattr_setsigdefault(attributes, defaultSet), "posix_spawnattr_setsigdefault");
        NativeCallException.ThrowIfError(LibC.posix_spawnattr_setpgroup(attributes, 0), "posix_spawnattr_setpgroup");
        NativeCallException.ThrowIfError(LibC.posix_spawnattr_setflags(attributes,
            LibC.POSIX_SPAWN_SETPGROUP | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");
    }

    public void Dispose()
    {
        NativeMemory.Free(_file);
        NativeStrings.FreeArray(_argv);
        _environment.Dispose();
    }
}
