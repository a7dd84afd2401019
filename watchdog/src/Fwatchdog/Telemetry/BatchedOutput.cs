namespace Fwatchdog.Telemetry;

/// <summary>
/// The log's path to stdout: lines are appended to a buffer, and one writer thread writes whatever
/// has accumulated with a single <c>write</c>, then rests for <see cref="Coalescing"/> before the
/// next, so a busy watchdog makes a few hundred writes a second instead of one per line. The
/// threads that log — in mode=http the socket thread itself — never wait for stdout unless the
/// buffer is full (stdout blocked: then they wait, as Go's log does). Lines keep their order and
/// never interleave.
/// </summary>
/// <remarks>
/// One write per line cost mode=http ~1.5 µs of its ~33 µs of CPU per proxied request, and put a
/// blocking system call on the socket thread. A line reaches stdout within about a millisecond;
/// <see cref="Flush"/> (errors, start-up failures) and <see cref="Dispose"/> (exit) wait until it has.
/// </remarks>
internal sealed class BatchedOutput : IDisposable
{
    /// <summary>How long the writer rests after a write, letting lines accumulate.</summary>
    public static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(1);

    /// <summary>How long <see cref="Dispose"/> waits for a blocked stdout before giving up on what is left.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

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
    private bool _writerIdle;
    private bool _stopping;
    private bool _broken;

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
            while (_pending.Length > 0 && _pending.Length + line.Length > _capacity && !_broken && !_stopping)
                Monitor.Wait(_gate);
            if (_broken)
                return; // stdout failed: reported once on stderr, the lines have nowhere to go
            _pending.Add(line);
            _appended += line.Length;
            if (_writerIdle)
                Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until every line appended so far is written (or stdout has failed).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            var target = _appended;
            Monitor.PulseAll(_gate); // an idle or resting writer starts now
            while (_written < target && !_broken)
                Monitor.Wait(_gate);
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

            var written = TryWrite(_writing);
            _writing.Clear();
            lock (_gate)
            {
                _written += written;
                Monitor.PulseAll(_gate); // Flush callers
                if (_broken)
                    return;
                // Rest, unless someone is waiting for the lines: a flush or the exit.
                if (!_stopping)
                    Monitor.Wait(_gate, _coalescing);
            }
        }
    }

    /// <returns>The batch's length: written, or dropped because stdout failed.</returns>
    private int TryWrite(Batch batch)
    {
        try
        {
            _output.Write(batch.Span);
            _output.Flush();
        }
        catch (IOException e)
        {
            lock (_gate)
                _broken = true;
            // Deliberately not rethrown: the watchdog keeps serving without its log, as Go's log does when stdout breaks.
            _problems.Write($"fwatchdog: writing the log to stdout failed ({e.Message}); later log lines are dropped. Check what reads the container's stdout.\n");
        }
        return batch.Length;
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
