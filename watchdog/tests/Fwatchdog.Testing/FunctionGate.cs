namespace Fwatchdog.Testing;

/// <summary>
/// Lets a test hold a function "in flight" for exactly as long as it needs: the function marks
/// that it started and then waits until the test calls <see cref="Release"/> or disposes the gate
/// (its directory disappears). The wait is also bounded (about 30 s) so a failed test never
/// leaves a function running forever.
/// </summary>
public sealed class FunctionGate : IDisposable
{
    private readonly TempDirectory _dir = new("gate");

    public string StartedFile => _dir.File("started");
    public string ReleaseFile => _dir.File("release");

    /// <summary>Shell snippet (no single quotes, so it can sit inside <c>sh -c '...'</c>).</summary>
    public string WaitScript =>
        $"touch {StartedFile}; i=0; while [ -d {_dir.Path} ] && [ ! -e {ReleaseFile} ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done";

    /// <summary>An <c>fprocess</c> that waits at the gate, then runs <paramref name="then"/>.</summary>
    public string Fprocess(string then = "echo released") => $"sh -c '{WaitScript}; {then}'";

    public bool Started => File.Exists(StartedFile);

    public async Task WaitStartedAsync(TimeSpan timeout)
    {
        if (!await Eventually.TrueWithinAsync(() => Started, timeout).ConfigureAwait(false))
            throw new TimeoutException($"The function did not reach the gate within {timeout.TotalSeconds:0.#}s.");
    }

    public void Release() => File.WriteAllText(ReleaseFile, "");

    public void Dispose() => _dir.Dispose();
}
