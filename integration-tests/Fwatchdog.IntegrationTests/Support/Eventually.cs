namespace Fwatchdog.IntegrationTests.Support;

/// <summary>
/// Polls a condition the engine offers no event for (health status, process table) until it holds
/// or a deadline passes; bounded in time and in the number of tries.
/// </summary>
public static class Eventually
{
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> observe, Func<T, bool> holds, TimeSpan deadline,
        Func<T, string> describe)
    {
        var interval = TimeSpan.FromMilliseconds(250);
        var tries = (int)(deadline / interval) + 1;
        var last = await observe();
        for (var i = 1; i < tries && !holds(last); i++)
        {
            await Task.Delay(interval);
            last = await observe();
        }
        if (!holds(last))
            throw new TimeoutException($"Still not so after {deadline.TotalSeconds}s: {describe(last)}");
        return last;
    }
}
