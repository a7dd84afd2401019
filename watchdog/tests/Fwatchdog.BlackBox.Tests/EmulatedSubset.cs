namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// The tests that also run against the linux-arm64 binary under qemu-aarch64-static
/// (build.cake's BlackBoxTestArm64, filter <c>Subset=Emulated</c>): one request, exec timeout,
/// killing a function's process group, streaming, health and SIGTERM. Emulation makes each call
/// several times slower, so the subset is the contract's core, not every case. Zombie reaping
/// stays out: qemu-user refuses PR_SET_CHILD_SUBREAPER.
/// </summary>
internal static class EmulatedSubset
{
    public const string Trait = "Subset";
    public const string Emulated = "Emulated";
}
