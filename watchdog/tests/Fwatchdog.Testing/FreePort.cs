using System.Net;
using System.Net.Sockets;

namespace Fwatchdog.Testing;

/// <summary>
/// Hands out loopback ports the kernel reports free. A port is never handed out twice in one test
/// run, so parallel tests in the same process cannot race each other for it; another process can
/// still take it between the probe and the watchdog's bind, which <see cref="WatchdogProcess"/>
/// handles by retrying with fresh ports.
/// </summary>
public static class FreePort
{
    private static readonly HashSet<int> HandedOut = new();
    private static readonly object Gate = new();

    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Gate)
            {
                if (HandedOut.Add(port))
                    return port;
            }
        }
        throw new InvalidOperationException("No unused loopback port found in 100 attempts.");
    }
}
