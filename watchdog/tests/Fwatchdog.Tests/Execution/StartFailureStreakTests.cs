using Fwatchdog.Execution;
using Microsoft.Extensions.Time.Testing;

namespace Fwatchdog.Tests.Execution;

public sealed class StartFailureStreakTests
{
    private const int EMFILE = 24;
    private const int ENOMEM = 12;
    private const int E2BIG = 7;
    private const int ENOENT = 2;

    private readonly FakeTimeProvider _time = new();

    private static FunctionStartException Failure(int errno) => new("fork/exec x: failed", "hint", errno);

    [Fact]
    public void Sustained_only_after_enough_failures_over_enough_time()
    {
        var streak = new StartFailureStreak(_time);
        for (var i = 0; i < StartFailureStreak.MinimumFailures; i++)
            streak.RecordFailure(Failure(EMFILE));
        Assert.False(streak.IsSustained);

        _time.Advance(StartFailureStreak.MinimumDuration - TimeSpan.FromMilliseconds(1));
        Assert.False(streak.IsSustained);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(streak.IsSustained);
    }

    [Fact]
    public void A_long_time_with_too_few_failures_is_not_sustained()
    {
        var streak = new StartFailureStreak(_time);
        streak.RecordFailure(Failure(ENOMEM));
        _time.Advance(TimeSpan.FromMinutes(5));
        for (var i = 1; i < StartFailureStreak.MinimumFailures; i++)
        {
            Assert.False(streak.IsSustained);
            streak.RecordFailure(Failure(ENOMEM));
        }
        Assert.True(streak.IsSustained);
    }

    [Fact]
    public void One_successful_start_ends_the_streak()
    {
        var streak = new StartFailureStreak(_time);
        for (var i = 0; i < StartFailureStreak.MinimumFailures; i++)
            streak.RecordFailure(Failure(EMFILE));
        _time.Advance(StartFailureStreak.MinimumDuration);
        Assert.True(streak.IsSustained);

        streak.RecordSuccess();
        Assert.False(streak.IsSustained);

        // A new streak starts its clock afresh.
        for (var i = 0; i < StartFailureStreak.MinimumFailures; i++)
            streak.RecordFailure(Failure(EMFILE));
        Assert.False(streak.IsSustained);
    }

    [Theory]
    [InlineData(E2BIG)]   // a client's huge headers: must not take the replica down
    [InlineData(ENOENT)]  // a missing program: a restart would not cure it
    public void Failures_a_restart_cannot_cure_do_not_count(int errno)
    {
        var streak = new StartFailureStreak(_time);
        for (var i = 0; i < 10 * StartFailureStreak.MinimumFailures; i++)
            streak.RecordFailure(Failure(errno));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.False(streak.IsSustained);
    }
}
