namespace Fwatchdog.Telemetry;

/// <summary>
/// The log's path to stdout: lines are appended to a buffer, and one writer thread writes whatever
/// has accumulated with a single <c>write</c>, then rests for <see cref="Coalescing"/> before the
/// next, so a busy watchdog makes a few hundred writes a second instead of one per line. The
/// threads that log — in mode=http the socket threads themselves — never wait for stdout unless the
/// buffer is full (stdout blocked: then they wait, as Go's log does). Lines keep their order and
/// never interleave.
/// </summary>
/// <remarks>
/// One write per line cost mode=http ~1.5 µs of its ~33 µs of CPU per proxied request and put a
/// blocking system call on the socket thread. A line reaches stdout within about a millisecond;
/// <see cref="Flush"/> (a fatal error, a crash) and <see cref="Dispose"/> (exit) wait until it has,
/// for at most <see cref="DrainLimit"/> each.
/// </remarks>
internal sealed class BatchedOutput : IDisposable
{
    /// <summary>How long the writer rests after a write, letting lines accumulate.</summary>
    public static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(1);

    /// <summary>How long Flush and Dispose wait for a blocked stdout before giving up on what is left.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

    private readonly Stream _output;
    private readonly TextWriter _problems;
    private readonly int _capacity;
    private readonly TimeSpan _coalescing;
    private readonly object _gate = new();
    private readonly Thread _writer;
    private Batch _pending;
    private Batch _writing;
    private long _appended;
    private long _written;
    private int _flushWaiters;
    private bool _writerIdle;
    private bool _stopping;
    private bool _failureReported;

    /// <param name="output">Where the lines go (stdout).</param>
    /// <param name="problems">Where a failing <paramref name="output"/> is reported, once (stderr).</param>
    /// <param name="capacity">Bytes buffered before loggers wait; a longer single line is still taken whole.</param>
    public BatchedOutput(Stream output, TextWriter problems, int capacity = 256 * 1024, TimeSpan? coalescing = null)
    {
        _output = output;
        _problems = problems;
        _capacity = capacity;
        _coalescing = coalescing ?? Coalescing;
        _pending = new Batch(capacity);
        _writing = new Batch(capacity);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "fwatchdog log" };
        _writer.Start();
    }

    /// <summary>Queues one whole line; waits only while the buffer is full.</summary>
    public void Append(ReadOnlySpan<byte> line)
    {
        lock (_gate)
        {
            while (_pending.Length > 0 && _pending.Length + line.Length > _capacity && !_stopping)
                Monitor.Wait(_gate);
            _pending.Add(line);
            _appended += line.Length;
            if (_writerIdle)
                Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until every line appended so far is written — at most <see cref="DrainLimit"/>, and not at all once stopped.</summary>
    public void Flush()
    {
        if (Thread.CurrentThread == _writer)
            return; // the writer cannot wait for itself
        var deadline = DateTime.UtcNow + DrainLimit;
        lock (_gate)
        {
            var target = _appended;
            _flushWaiters++;
            try
            {
                Monitor.PulseAll(_gate); // an idle or resting writer starts now
                while (_written < target && !_stopping && _writer.IsAlive && deadline - DateTime.UtcNow is var left && left > TimeSpan.Zero)
                    Monitor.Wait(_gate, left);
            }
            finally
            {
                _flushWaiters--;
            }
        }
    }

    /// <summary>Writes what is left — waiting at most <see cref="DrainLimit"/> for a blocked stdout — and stops the writer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
                return;
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _writer.Join(DrainLimit);
    }

    private void WriteLoop()
    {
        while (true)
        {
            lock (_gate)
            {
                while (_pending.Length == 0 && !_stopping)
                {
                    _writerIdle = true;
                    Monitor.Wait(_gate);
                    _writerIdle = false;
                }
                if (_pending.Length == 0)
                    return; // stopping, and everything is written
                (_pending, _writing) = (_writing, _pending);
                Monitor.PulseAll(_gate); // loggers waiting for room
            }

            WriteOrReport(_writing.Span);
            var written = _writing.Length;
            _writing.Clear();
            lock (_gate)
            {
                _written += written;
                Monitor.PulseAll(_gate); // Flush callers
                // Rest, unless someone waits for the lines: a flush or the exit.
                if (!_stopping && _flushWaiters == 0)
                    Monitor.Wait(_gate, _coalescing);
            }
        }
    }

    /// <summary>
    /// A failed write loses that batch only: the next one is tried again (a full disk may be freed).
    /// The first failure is reported on stderr, if stderr still works; nothing here may end the writer.
    /// </summary>
    private void WriteOrReport(ReadOnlySpan<byte> batch)
    {
        try
        {
            _output.Write(batch);
            _output.Flush();
        }
        catch (Exception e)
        {
            if (_failureReported)
                return;
            _failureReported = true;
            try
            {
                _problems.Write($"fwatchdog: writing the log to stdout failed ({e.Message}); lines are lost while it fails. Check what reads the container's stdout.\n");
            }
            catch (Exception)
            {
                // Deliberately ignored: stderr is broken too, and there is nowhere left to say so.
            }
        }
    }

    /// <summary>A growable byte buffer that shrinks back after an unusually long line.</summary>
    private sealed class Batch(int capacity)
    {
        private byte[] _bytes = new byte[Math.Min(capacity, 16 * 1024)];

        public int Length { get; private set; }

        public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

        public void Add(ReadOnlySpan<byte> line)
        {
            if (Length + line.Length > _bytes.Length)
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + line.Length));
            line.CopyTo(_bytes.AsSpan(Length));
            Length += line.Length;
        }

        public void Clear()
        {
            Length = 0;
            if (_bytes.Length > capacity)
                _bytes = new byte[Math.Min(capacity, 16 * 1024)];
        }
    }
}
