using System.Net;
using Fwatchdog.Operations.Tests.Support;
using Fwatchdog.Testing;
using Xunit;

namespace Fwatchdog.Operations.Tests.Prometheus;

/// <summary>
/// A function whose path picks how a call ends, and the fixed mix of calls the metrics tests make:
/// three successes, one exit code 3, one exec_timeout. Expected counts live here, next to the calls.
/// </summary>
internal static class MixedCalls
{
    public const int Successes = 3;
    public const string SuccessBody = "hello";
    public const int FailingExitCode = 3;

    /// <summary>exec_timeout for the watchdog: long enough for cat under load, short enough to wait for.</summary>
    public const string ExecTimeout = "2s";

    /// <summary>/fail exits 3 without output, /slow outlives exec_timeout, anything else echoes.</summary>
    public const string Script = """
        case "$Http_Path" in
          /fail) exit 3 ;;
          /slow) exec sleep 60 ;;
          *) exec cat ;;
        esac
        """;

    public static async Task MakeAsync(WatchdogProcess watchdog)
    {
        for (var i = 0; i < Successes; i++)
        {
            using var ok = await watchdog.Client.PostAsync("/", SuccessBody);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(SuccessBody, await ok.BodyAsync());
        }
        using (var failed = await watchdog.Client.PostAsync("/fail", ""))
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        using (var timedOut = await watchdog.Client.PostAsync("/slow", ""))
            Assert.Equal(HttpStatusCode.RequestTimeout, timedOut.StatusCode);
    }
}
