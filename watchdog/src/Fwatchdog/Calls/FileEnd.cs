namespace Fwatchdog.Calls;

/// <summary>How a mode=static request ended. Static files are not function executions: none is counted or logged.</summary>
internal enum FileEnd : byte
{
    /// <summary>The endpoint answered: the file (whole, a range, or HEAD), 304, or the redirect to a directory's slash.</summary>
    Answered = 1,
    /// <summary>Nothing under static_path has that name (or it vanished while being opened): 404.</summary>
    NotFound,
    /// <summary>A method other than GET or HEAD: 405.</summary>
    MethodNotAllowed,
    /// <summary>The answer started and stopped: the client left, or the file shrank while it was sent (the connection was closed).</summary>
    Cut,
    /// <summary>The range asked for lies outside the file: 416 (the endpoint set Content-Range).</summary>
    RangeNotSatisfiable,
}
