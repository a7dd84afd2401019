using Microsoft.AspNetCore.Http;

namespace Function;

public class FunctionHandler
{
    // One instance serves every request. The request in (method, path, query, headers, body);
    // the status code and response body out. Headers: request.HttpContext.Response.Headers.
    public async Task<(int, string)> Handle(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var input = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (input.Length == 0)
            return (400, "Send some text in the request body.\n");
        return (200, $"Hello from C#, you said: {input}");
    }
}
