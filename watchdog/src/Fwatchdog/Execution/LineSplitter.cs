using System.Text;

namespace Fwatchdog.Execution;

/// <summary>
/// Turns a byte stream into lines for the log. A line longer than the limit is emitted in pieces so a
/// function that writes megabytes of stderr without a newline cannot grow our memory.
/// </summary>
internal sealed class LineSplitter(Action<string> line)
{
    private const int MaxLineBytes = 16 * 1024;
    private readonly byte[] _pending = new byte[MaxLineBytes];
    private int _pendingLength;

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            var take = newline >= 0 ? newline : data.Length;
            var room = MaxLineBytes - _pendingLength;
            if (take > room)
            {
                data[..room].CopyTo(_pending.AsSpan(_pendingLength));
                _pendingLength += room;
                Emit();
                data = data[room..];
                continue;
            }
            data[..take].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
            if (newline < 0)
                return;
            Emit();
            data = data[(newline + 1)..];
        }
    }

    public void Flush()
    {
        if (_pendingLength > 0)
            Emit();
    }

    private void Emit()
    {
        var length = _pendingLength;
        if (length > 0 && _pending[length - 1] == '\r')
            length--;
        line(Encoding.UTF8.GetString(_pending, 0, length));
        _pendingLength = 0;
    }
}
