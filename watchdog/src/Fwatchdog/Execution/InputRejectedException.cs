namespace Fwatchdog.Execution;

public enum InputRejection { TooLarge, Malformed }

/// <summary>
/// Thrown by an input stream that refuses its own data — more than its limit, or malformed — so a
/// run can say why it ended without knowing where the input came from.
/// </summary>
public sealed class InputRejectedException(InputRejection reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public RunEnd End => reason == InputRejection.TooLarge ? RunEnd.InputTooLarge : RunEnd.InputMalformed;
}
