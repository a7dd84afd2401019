namespace Fwatchdog.Execution.Tests;

/// <summary>There is one supervisor per process at a time, so the tests that make one run one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SupervisedCollection
{
    public const string Name = "One process supervisor at a time";
}
