using Xunit;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Tests that move hundreds of MiB saturate both cores of the build machine; they run on their
/// own, after the parallel tests, so they neither slow nor get slowed by latency assertions.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BulkTransferCollection
{
    public const string Name = "Bulk transfers";
}
