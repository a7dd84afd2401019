using Fwatchdog.Http;
using Fwatchdog.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Fwatchdog.Tests.Http;

/// <summary>
/// Kestrel's malformed-request reports become "Rejected a malformed request" lines, except the one
/// report of what a client left behind on a connection the finisher named as abandoned.
/// </summary>
public class KestrelLogBridgeTests
{
    private const string BadRequests = "Microsoft.AspNetCore.Server.Kestrel.BadRequests";
    private readonly CapturedLog _log = new();
    private readonly AbandonedConnections _abandoned = new();

    [Fact]
    public void A_malformed_request_is_logged_with_its_reason()
    {
        Report("0HN1", "Invalid request line.");

        Assert.Equal(["Rejected a malformed request: Invalid request line."], _log.Lines);
    }

    [Fact]
    public void The_report_for_an_abandoned_connection_is_dropped_once_and_only_for_that_connection()
    {
        _abandoned.Remember("0HN1");

        Report("0HN2", "Invalid request line.");
        Report("0HN1", "Invalid request line.");
        Report("0HN1", "Request line too long.");

        Assert.Equal(["Rejected a malformed request: Invalid request line.", "Rejected a malformed request: Request line too long."], _log.Lines);
    }

    [Fact]
    public void Only_the_most_recent_abandoned_connections_are_remembered()
    {
        for (var i = 0; i < 257; i++)
            _abandoned.Remember($"C{i}");

        Assert.False(_abandoned.Forget("C0"));
        Assert.True(_abandoned.Forget("C1"));
        Assert.True(_abandoned.Forget("C256"));
        Assert.False(_abandoned.Forget("C256"));
    }

    private void Report(string connectionId, string reason)
    {
        using var bridge = new KestrelLogBridge(_log.CreateLogger(), _abandoned);
        var logger = bridge.CreateLogger(BadRequests);
        IReadOnlyList<KeyValuePair<string, object?>> state = [new("ConnectionId", connectionId), new("message", reason)];
        logger.Log(LogLevel.Debug, new EventId(17, "ConnectionBadRequest"), state, new InvalidOperationException(reason), static (s, _) => s.ToString()!);
    }
}
