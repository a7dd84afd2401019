using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>A mode's own say in <c>/_/ready</c>, asked after the watchdog's checks pass (mode=http: ready_path).</summary>
public interface IReadinessCheck
{
    /// <returns>The status /_/ready answers with.</returns>
    Task<int> CheckAsync(HttpContext context);
}
