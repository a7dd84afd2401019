namespace Fwatchdog.Execution;

/// <summary>The output could not be held; the message says where and why (it ends up in the log).</summary>
public sealed class SpillException(string message, Exception? inner = null) : IOException(message, inner);
