namespace Fwatchdog.Execution;

/// <summary>How long a run may take, and how long its input may take to arrive; zero for no limit.</summary>
/// <param name="Exec">exec_timeout, or a shorter X-Timeout: the group is killed when it elapses.</param>
/// <param name="Input">read_timeout: the input must be read to its end by then, or the group is killed.</param>
public readonly record struct RunDeadlines(TimeSpan Exec, TimeSpan Input = default)
{
    public static RunDeadlines None => default;
}
