using System.Text;
using Docker.DotNet;

namespace Fwatchdog.IntegrationTests.Docker;

/// <summary>
/// Follows a container's stdout and stderr as they are written, so tests can await a log line
/// (the watchdog's readiness and lifecycle messages) instead of sleeping.
/// </summary>
public sealed class ContainerLog : IAsyncDisposable
{
    private readonly StringBuilder _text = new();
    private readonly List<(string Fragment, TaskCompletionSource Seen)> _waiters = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    private ContainerLog(MultiplexedStream stream) => _reader = ReadAsync(stream);

    public static async Task<ContainerLog> FollowAsync(DockerClient docker, string containerId)
    {
        var stream = await docker.Containers.GetContainerLogsAsync(containerId, tty: false,
            new global::Docker.DotNet.Models.ContainerLogsParameters { Follow = true, ShowStdout = true, ShowStderr = true },
            CancellationToken.None);
        return new ContainerLog(stream);
    }

    public string Text { get { lock (_text) return _text.ToString(); } }

    /// <summary>Completes when a line containing <paramref name="fragment"/> has been logged.</summary>
    public async Task WaitForAsync(string fragment, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_text)
        {
            if (_text.ToString().Contains(fragment, StringComparison.Ordinal)) return;
            _waiters.Add((fragment, seen));
        }
        try
        {
            await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No log line containing \"{fragment}\" within {timeout.TotalSeconds}s. Log so far:\n{Text}");
        }
    }

    private async Task ReadAsync(MultiplexedStream stream)
    {
        using (stream)
        {
            var buffer = new byte[16 * 1024];
            var decoder = Encoding.UTF8.GetDecoder();
            var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
            try
            {
                while (true)
                {
                    var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, _stop.Token);
                    if (read.EOF) break;
                    var count = decoder.GetChars(buffer, 0, read.Count, chars, 0);
                    Append(chars.AsSpan(0, count));
                }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { } // the engine closed the stream as the container went away
        }
    }

    private void Append(ReadOnlySpan<char> chunk)
    {
        lock (_text)
        {
            _text.Append(chunk);
            var text = _text.ToString();
            foreach (var waiter in _waiters.Where(w => text.Contains(w.Fragment, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _stop.Dispose();
    }
}
