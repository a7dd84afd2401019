namespace Fwatchdog.Execution;

/// <summary>
/// Thrown by an input stream whose source went away before the input's end — the caller closed its
/// side with part of the body still to come. The run ends as <see cref="RunEnd.ClientGone"/>: the
/// caller left, and nothing the function writes can reach it.
/// </summary>
public sealed class InputAbandonedException(string message, Exception? inner = null) : Exception(message, inner);
