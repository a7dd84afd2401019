using System.Globalization;
using Fwatchdog.Execution.Native;
using Fwatchdog.Testing;

namespace Fwatchdog.Tests.Execution;

/// <summary>
/// The stack buffers the launcher hands to glibc for its opaque types must hold them on every
/// architecture the binary ships for: checked against the C headers themselves, by compiling
/// static assertions with the host's gcc (x86-64) and the arm64 cross gcc that Prerequisites installs.
/// </summary>
public sealed class NativeLayoutTests
{
    public static TheoryData<string, int> Compilers => new()
    {
        { "gcc", 12 },                   // x86-64: struct epoll_event is packed
        { "aarch64-linux-gnu-gcc", 16 }, // aarch64: naturally aligned
    };

    [Theory]
    [MemberData(nameof(Compilers))]
    public async Task The_buffers_for_glibcs_opaque_types_are_large_enough(string compiler, int epollEventSize)
    {
        using var dir = new TempDirectory("layout");
        var source = dir.File("layout.c");
        File.WriteAllText(source, string.Create(CultureInfo.InvariantCulture, $$"""
            #include <signal.h>
            #include <spawn.h>
            #include <sys/epoll.h>
            _Static_assert(sizeof(posix_spawn_file_actions_t) <= {{LibC.FileActionsSize}}, "LibC.FileActionsSize is smaller than posix_spawn_file_actions_t");
            _Static_assert(sizeof(posix_spawnattr_t) <= {{LibC.SpawnAttrSize}}, "LibC.SpawnAttrSize is smaller than posix_spawnattr_t");
            _Static_assert(sizeof(sigset_t) <= {{LibC.SigSetSize}}, "LibC.SigSetSize is smaller than sigset_t");
            _Static_assert(sizeof(struct epoll_event) == {{epollEventSize}}, "EpollEvent.Size is wrong for this architecture");
            """));

        var (exitCode, output) = await ToolProcess.RunAsync(compiler, ["-fsyntax-only", source], TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, $"{compiler} rejected the layout:\n{output}");
    }

    [Fact]
    public void The_epoll_event_size_used_here_is_this_architectures()
    {
        var expected = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64 ? 12 : 16;
        Assert.Equal(expected, EpollEvent.Size);
    }
}
