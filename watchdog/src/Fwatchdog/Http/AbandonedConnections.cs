namespace Fwatchdog.Http;

/// <summary>
/// The connections whose client left in the middle of a call. Kestrel does not stop reading such a
/// connection when the call returns: the unread rest of the abandoned body still in its buffer is
/// parsed as the next request and reported as a malformed one ("Invalid request line", "Request line
/// too long"). A client that left sent nothing malformed, so <see cref="KestrelLogBridge"/> drops that
/// one report for a connection named here; <see cref="Calls.CallFinisher"/> names it as the call ends.
/// </summary>
/// <remarks>
/// Kestrel parses what is left as soon as the call returns, so only the last few connections matter:
/// a fixed ring, never growing, and an entry is forgotten once its report came. A connection that
/// sent no more than its head produces no report; its entry is simply overwritten later.
/// </remarks>
public sealed class AbandonedConnections
{
    /// <summary>More than the calls that can end between a call's return and Kestrel's next parse on it, with a wide margin.</summary>
    private const int Remembered = 256;

    private readonly string?[] _ids = new string?[Remembered];
    private readonly Lock _lock = new();
    private int _next;

    public void Remember(string connectionId)
    {
        lock (_lock)
        {
            _ids[_next] = connectionId;
            _next = (_next + 1) % Remembered;
        }
    }

    /// <summary>True, once, for a connection <see cref="Remember"/> named.</summary>
    public bool Forget(string connectionId)
    {
        lock (_lock)
        {
            var index = Array.IndexOf(_ids, connectionId);
            if (index < 0)
                return false;
            _ids[index] = null;
            return true;
        }
    }
}
