namespace Fwatchdog.Authentication;

public enum AdmissionKind
{
    Admitted,
    /// <summary>401: no token, or one that proves nothing.</summary>
    Unauthorized,
    /// <summary>403: a valid token without a permission for this function.</summary>
    Forbidden,
    /// <summary>503: the gateway's keys are not known yet, so no token can be checked.</summary>
    Unavailable,
}

/// <summary>Whether a call may reach the function, and if not, the one sentence that says why.</summary>
public readonly record struct Admission(AdmissionKind Kind, string Reason)
{
    public static readonly Admission Admitted = new(AdmissionKind.Admitted, "");

    /// <summary>The Go middleware's words for a call without a token.</summary>
    public static readonly Admission NoToken = new(AdmissionKind.Unauthorized, "Bearer must be present in Authorization header");
}
