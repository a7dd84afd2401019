using Fwatchdog.Execution;
using Fwatchdog.Lifecycle;
using Fwatchdog.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Fwatchdog.Tests.Lifecycle;

public sealed class HealthStateTests : IDisposable
{
    private readonly TempDirectory _directory = new("unit");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Without_a_lock_file_health_follows_accepting()
    {
        var health = new HealthState(null);
        Assert.False(health.IsHealthy);

        health.MarkAccepting();
        Assert.True(health.IsHealthy);

        health.MarkStopping();
        Assert.False(health.IsHealthy);
    }

    [Fact]
    public void With_a_lock_file_health_also_needs_the_file()
    {
        var lockFile = new LockFile(_directory.File(".lock"));
        var health = new HealthState(lockFile);

        health.MarkAccepting();
        Assert.False(health.IsHealthy);

        lockFile.Create();
        Assert.True(health.IsHealthy);

        lockFile.Remove();
        Assert.False(health.IsHealthy);
    }

    [Fact]
    public void Lock_file_alone_is_not_healthy_before_accepting_or_after_stopping()
    {
        var lockFile = new LockFile(_directory.File(".lock"));
        lockFile.Create();
        var health = new HealthState(lockFile);

        Assert.False(health.IsHealthy);
        health.MarkAccepting();
        Assert.True(health.IsHealthy);
        health.MarkStopping();
        Assert.False(health.IsHealthy);
    }

    [Fact]
    public void Sustained_start_failures_turn_health_503_until_a_start_succeeds()
    {
        var time = new FakeTimeProvider();
        var startFailures = new StartFailureStreak(time);
        var health = new HealthState(null, startFailures);
        health.MarkAccepting();

        for (var i = 0; i < StartFailureStreak.MinimumFailures; i++)
            startFailures.RecordFailure(new FunctionStartException("pipe2: too many open files", "hint", errno: 24));
        Assert.True(health.IsHealthy);
        time.Advance(StartFailureStreak.MinimumDuration);
        Assert.False(health.IsHealthy);

        startFailures.RecordSuccess();
        Assert.True(health.IsHealthy);
    }
}
