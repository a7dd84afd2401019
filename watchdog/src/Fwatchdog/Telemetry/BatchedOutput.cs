namespace Fwatchdog.Telemetry;

/// <summary>
/// The log's path to stdout: lines are appended to a buffer, and one writer thread writes whatever
/// has accumulated with a single <c>write</c>, then rests for <see cref="Coalescing"/> before the
/// next, so a busy watchdog makes a few hundred writes a second instead of one per line. Lines keep
/// their order and never interleave.
/// </summary>
/// <remarks>
/// The threads that log — request threads, and in mode=http the socket threads themselves — never
/// wait for stdout. When stdout stops moving (a stalled log driver or collector, a full disk) and the
/// buffer is full, a new line is dropped and counted, as Docker's non-blocking log mode does, and
/// <see cref="LinesDropped"/> is told how many once a write succeeds again. Waiting instead, as Go's
/// log does, stalled every call and the health probe behind one blocked pipe.
/// <para>Why batching: one write per line cost mode=http ~1.5 µs of its ~33 µs of CPU per proxied request and put a
/// blocking system call on the socket thread. A line reaches stdout within about a millisecond;
/// <see cref="Flush"/> (a fatal error, a crash) and <see cref="Dispose"/> (exit) wait until it has,
/// for at most <see cref="DrainLimit"/> each.
/// </para>
/// </remarks>
internal sealed class BatchedOutput : IDisposable
{
    /// <summary>How long the writer rests after a write, letting lines accumulate.</summary>
    public static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(1);

    /// <summary>How long Flush and Dispose wait for a blocked stdout before giving up on what is left.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

    /// <summary>Bytes buffered while stdout is blocked before lines are dropped: Docker's non-blocking default.</summary>
    public const int DefaultCapacity = 1024 * 1024;

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
    private long _droppedLines;
    private long _droppedUnreported;

    /// <param name="output">Where the lines go (stdout).</param>
    /// <param name="problems">Where a failing <paramref name="output"/> is reported, once (stderr).</param>
    /// <param name="capacity">Bytes buffered before new lines are dropped (Docker's non-blocking mode buffers 1 MiB); a longer single line is still taken whole.</param>
    public BatchedOutput(Stream output, TextWriter problems, int capacity = DefaultCapacity, TimeSpan? coalescing = null)
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

    /// <summary>
    /// Told, on the writer thread and outside any lock, how many lines were dropped since the last
    /// report, after the first write that succeeded once they were (stdout moves again).
    /// </summary>
    public Action<long>? LinesDropped { get; set; }

    /// <summary>Lines dropped since start because stdout did not take them in time.</summary>
    public long DroppedLines => Interlocked.Read(ref _droppedLines);

    /// <summary>Queues one whole line, or drops and counts it when the buffer is full; never waits.</summary>
    public void Append(ReadOnlySpan<byte> line)
    {
        lock (_gate)
        {
            // The writer's own line (the drop report, one per write) is never dropped: it says what was.
            if (_pending.Length > 0 && _pending.Length + line.Length > _capacity && Thread.CurrentThread != _writer)
            {
                Interlocked.Increment(ref _droppedLines);
                _droppedUnreported++;
                return;
            }
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
            }

            var moved = WriteOrReport(_writing.Span);
            var written = _writing.Length;
            _writing.Clear();
            long dropped = 0;
            lock (_gate)
            {
                _written += written;
                if (moved)
                    (dropped, _droppedUnreported) = (_droppedUnreported, 0);
                Monitor.PulseAll(_gate); // Flush callers
            }
            if (dropped > 0)
                ReportDropped(dropped);
            lock (_gate)
            {
                // Rest, unless someone waits for the lines: a flush or the exit.
                if (!_stopping && _flushWaiters == 0)
                    Monitor.Wait(_gate, _coalescing);
            }
        }
    }

    /// <summary>The report is itself a log line, appended like any other (this thread never waits on itself).</summary>
    private void ReportDropped(long dropped)
    {
        try
        {
            LinesDropped?.Invoke(dropped);
        }
        catch (Exception e)
        {
            // A failing report must not end the writer; the count stays in DroppedLines for the metric.
            _problems.Write($"fwatchdog: reporting {dropped} dropped log lines failed ({e.Message}).\n");
        }
    }

    /// <summary>
    /// A failed write loses that batch only: the next one is tried again (a full disk may be freed).
    /// The first failure is reported on stderr, if stderr still works; nothing here may end the writer.
    /// </summary>
    /// <returns>Whether the batch was written.</returns>
    private bool WriteOrReport(ReadOnlySpan<byte> batch)
    {
        try
        {
            _output.Write(batch);
            _output.Flush();
            return true;
        }
        catch (Exception e)
        {
            if (_failureReported)
                return false;
            _failureReported = true;
            try
            {
                _problems.Write($"fwatchdog: writing the log to stdout failed ({e.Message}); lines are lost while it fails. Check what reads the container's stdout.\n");
            }
            catch (Exception)
            {
                // Deliberately ignored: stderr is broken too, and there is nowhere left to say so.
            }
            return false;
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
