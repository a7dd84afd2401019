using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Calls;

/// <summary>mode=static's part: the answers for a file that is not there or a request files cannot serve. Nothing is counted or logged.</summary>
internal sealed partial class CallFinisher
{
    private static Task FinishFileAsync(HttpContext context, FileEnd end)
    {
        switch (end)
        {
            case FileEnd.NotFound:
                // Go's FileServer's words; the answer stands for the function, so it is not marked internal.
                return PlainText.WriteAsync(context, StatusCodes.Status404NotFound, "404 page not found\n", internalSource: null);
            case FileEnd.MethodNotAllowed:
                context.Response.Headers.Allow = "GET, HEAD";
                return PlainText.WriteAsync(context, StatusCodes.Status405MethodNotAllowed,
                    $"Method {context.Request.Method} is not allowed; static files are read with GET or HEAD.\n");
            case FileEnd.RangeNotSatisfiable:
                return PlainText.WriteAsync(context, StatusCodes.Status416RangeNotSatisfiable, "Requested range not satisfiable.\n", internalSource: null);
            default:
                return Task.CompletedTask;
        }
    }
}
