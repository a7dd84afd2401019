using System.Runtime.InteropServices;
using System.Text;
using Fwatchdog.Configuration;

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
    public FunctionProcess Start(IReadOnlyList<KeyValuePair<string, string>>? extraEnvironment, bool mergeStandardError)
    {
        var envp = _environment.Build(extraEnvironment);
        var stdin = new PipePair();
        var stdout = new PipePair();
        var stderr = mergeStandardError ? null : new PipePair();
        try
        {
            var stdinEnd = stdin.TakeParentEnd(forWriting: true, _events);
            var stdoutEnd = stdout.TakeParentEnd(forWriting: false, _events);
            var stderrEnd = stderr?.TakeParentEnd(forWriting: false, _events);
            return _reaper.Spawn(() =>
            {
                var pid = SpawnProcess(envp, stdin.ChildEnd, stdout.ChildEnd, (stderr ?? stdout).ChildEnd, out var errno);
                if (pid <= 0)
                    throw FunctionStartException.FromErrno(_program, errno);
                return new FunctionProcess(pid, stdinEnd, stdoutEnd, stderrEnd);
            });
        }
        catch
        {
            stdin.DisposeParentEnd();
            stdout.DisposeParentEnd();
            stderr?.DisposeParentEnd();
            throw;
        }
        finally
        {
            // The child holds its own copies now (or never started); ours must go or EOF never arrives.
            stdin.CloseChildEnd();
            stdout.CloseChildEnd();
            stderr?.CloseChildEnd();
            EnvironmentBlock.Free(envp);
        }
    }

    private int SpawnProcess(byte** envp, int stdinRead, int stdoutWrite, int stderrWrite, out int errno)
    {
        var actions = stackalloc byte[LibC.FileActionsSize];
        var attributes = stackalloc byte[LibC.SpawnAttrSize];
        var emptySet = stackalloc byte[LibC.SigSetSize];
        var defaultSet = stackalloc byte[LibC.SigSetSize];
        LibC.posix_spawn_file_actions_init(actions);
        LibC.posix_spawnattr_init(attributes);
        try
        {
            LibC.posix_spawn_file_actions_adddup2(actions, stdinRead, 0);
            LibC.posix_spawn_file_actions_adddup2(actions, stdoutWrite, 1);
            LibC.posix_spawn_file_actions_adddup2(actions, stderrWrite, 2);

            LibC.sigemptyset(emptySet);
            LibC.sigfillset(defaultSet);
            LibC.sigdelset(defaultSet, LibC.SIGKILL);
            LibC.sigdelset(defaultSet, LibC.SIGSTOP);
            LibC.posix_spawnattr_setsigmask(attributes, emptySet);
            LibC.posix_spawnattr_setsigdefault(attributes, defaultSet);
            LibC.posix_spawnattr_setpgroup(attributes, 0);
            LibC.posix_spawnattr_setflags(attributes,
                LibC.POSIX_SPAWN_SETPGROUP | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK);

            int pid;
            errno = LibC.posix_spawnp(&pid, _file, actions, attributes, _argv, envp);
            return errno == 0 ? pid : -1;
        }
        finally
        {
            LibC.posix_spawnattr_destroy(attributes);
            LibC.posix_spawn_file_actions_destroy(actions);
        }
    }

    public void Dispose()
    {
        NativeMemory.Free(_file);
        NativeStrings.FreeArray(_argv);
        _environment.Dispose();
    }
}
