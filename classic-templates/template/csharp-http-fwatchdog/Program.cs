// The function's own HTTP server: Kestrel, compiled Native AOT into one static executable.
// fwatchdog (mode=http) starts it once and forwards every request to upstream_url; Kestrel listens
// on that URL's host and port, so the two cannot disagree, and on 127.0.0.1 it is reachable only
// through the watchdog.
using System.Net;
using System.Text;
using Function;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

const string DefaultUpstream = "http://127.0.0.1:5000";
var upstreamUrl = Environment.GetEnvironmentVariable("upstream_url") ?? DefaultUpstream;
if (!Uri.TryCreate(upstreamUrl, UriKind.Absolute, out var upstream) || upstream.Scheme != Uri.UriSchemeHttp)
{
    Console.Error.WriteLine($"upstream_url \"{upstreamUrl}\" is not an http:// URL; set it like {DefaultUpstream}.");
    return 1;
}

// localhost binds both loopback addresses; any other host must be an IP address to bind to.
var isLocalhost = string.Equals(upstream.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase);
IPAddress? address = null;
if (!isLocalhost && !IPAddress.TryParse(upstream.IdnHost, out address))
{
    Console.Error.WriteLine($"upstream_url's host \"{upstream.Host}\" is neither an IP address nor localhost; use 127.0.0.1.");
    return 1;
}

var builder = WebApplication.CreateSlimBuilder(args);
// One line per entry (the watchdog logs the server's output line by line); no per-request
// entries, since the watchdog logs every request itself.
builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    // The watchdog owns the request limits (max_request_bytes, exec_timeout).
    kestrel.Limits.MaxRequestBodySize = null;
    if (address is null) kestrel.ListenLocalhost(upstream.Port);
    else kestrel.Listen(address, upstream.Port);
});

var app = builder.Build();
app.Lifetime.ApplicationStopping.Register(() => Console.WriteLine("csharp-http-fwatchdog: SIGTERM, closing"));
var handler = new FunctionHandler();
app.Run(async context =>
{
    var (status, body) = await handler.Handle(context.Request);
    var response = context.Response;
    response.StatusCode = status;
    response.ContentType ??= "text/plain; charset=utf-8";
    var bytes = Encoding.UTF8.GetBytes(body);
    response.ContentLength = bytes.Length;
    await response.Body.WriteAsync(bytes, context.RequestAborted);
});
try
{
    // Returns when the watchdog's SIGTERM has stopped the host.
    await app.RunAsync();
}
catch (IOException error)
{
    Console.Error.WriteLine($"Cannot listen on {upstream.Authority} (from upstream_url): {error.Message} Free that port or change upstream_url.");
    return 1;
}
return 0;
