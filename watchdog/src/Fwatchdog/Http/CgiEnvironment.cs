using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// The CGI-style variables the Go watchdog gives a function: <c>Http_&lt;Header_Name&gt;</c> per request
/// header (canonical casing, dashes as underscores, first value) and the request facts it sets
/// itself, which win over look-alike headers (a "Query: x" header never becomes Http_Query, an
/// "X_Call_Id" header never hides the call id the log and the response carry).
/// </summary>
public static class CgiEnvironment
{
    private static readonly HashSet<string> SetByWatchdog = new(StringComparer.OrdinalIgnoreCase)
    {
        "Http_Method", "Http_X_Call_Id", "Http_ContentLength", "Http_Content_Length", "Http_Transfer_Encoding", "Http_Query", "Http_Path", "Http_Host",
    };

    /// <param name="callId">The request's call id (the client's, or the one generated for it); the function sees it as Http_X_Call_Id.</param>
    public static List<KeyValuePair<string, string>> Build(HttpRequest request, string callId)
    {
        var variables = new List<KeyValuePair<string, string>>(request.Headers.Count + 8);
        foreach (var (name, values) in request.Headers)
        {
            var variable = VariableName(name);
            if (SetByWatchdog.Contains(variable) || values.Count == 0)
                continue;
            variables.Add(new(variable, values[0] ?? ""));
        }

        variables.Add(new("Http_X_Call_Id", callId));

        var transferEncoding = request.Headers.TransferEncoding;
        var contentLength = request.ContentLength ?? (transferEncoding.Count > 0 ? -1 : 0);
        var contentLengthText = contentLength.ToString(CultureInfo.InvariantCulture);
        variables.Add(new("Http_Method", request.Method));
        variables.Add(new("Http_ContentLength", contentLengthText));
        variables.Add(new("Http_Content_Length", contentLengthText));
        if (transferEncoding.Count > 0)
            variables.Add(new("Http_Transfer_Encoding", transferEncoding[0] ?? ""));
        if (request.QueryString.HasValue && request.QueryString.Value!.Length > 1)
            variables.Add(new("Http_Query", request.QueryString.Value[1..]));
        var path = request.PathBase.Add(request.Path).Value;
        if (!string.IsNullOrEmpty(path))
            variables.Add(new("Http_Path", path));
        if (request.Host.HasValue)
            variables.Add(new("Http_Host", request.Host.Value!));
        return variables;
    }

    /// <summary>"x-forwarded-for" → "Http_X_Forwarded_For": Go's canonical casing, dashes as underscores, one allocation.</summary>
    public static string VariableName(string headerName) =>
        string.Create(5 + headerName.Length, headerName, static (span, name) =>
        {
            "Http_".CopyTo(span);
            GoHeaderCase.Canonicalize(name, span[5..]);
            span[5..].Replace('-', '_');
        });
}
