using System.Net;
using System.Net.Sockets;

namespace Fwatchdog.IntegrationTests.Support;

/// <summary>A loopback port nobody listens on right now; containers share the host's network.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
