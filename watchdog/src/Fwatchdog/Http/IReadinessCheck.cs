using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// ready_path: a mode's own say in <c>/_/ready</c>, asked after the watchdog's checks pass. It writes
/// the whole answer: mode=http the upstream's status, the fork modes whatever the function answers.
/// </summary>
public interface IReadinessCheck
{
    Task RespondAsync(HttpContext context);
}
