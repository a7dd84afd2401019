using System.Globalization;
using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Fwatchdog.Static;

/// <summary>
/// mode=static: GET and HEAD of the files under static_path, with Content-Type by extension,
/// validators (ETag from modification time and size, Last-Modified) and conditional GET (304),
/// single byte ranges (206, 416), index.html for directories (a directory without its trailing
/// slash is redirected to it, as Go's FileServer does, so relative links work), 404 otherwise.
/// </summary>
public sealed class StaticFileEndpoint : IFunctionEndpoint
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private readonly StaticFileResolver _resolver;

    public StaticFileEndpoint(string root) => _resolver = new StaticFileResolver(root);

    public async Task HandleAsync(HttpContext context, long started)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await PlainText.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, $"Method {request.Method} is not allowed; static files are read with GET or HEAD.\n").ConfigureAwait(false);
            return;
        }

        var target = _resolver.Resolve(request.Path.Value ?? "/");
        switch (target.Kind)
        {
            case StaticTargetKind.DirectoryWithoutSlash:
                response.StatusCode = StatusCodes.Status301MovedPermanently;
                response.Headers.Location = DirectoryLocation(request);
                return;
            case StaticTargetKind.NotFound:
                await PlainText.WriteAsync(context, StatusCodes.Status404NotFound, "404 page not found\n", internalSource: null).ConfigureAwait(false);
                return;
        }

        var file = target.File!;
        var length = file.Length;
        var lastModified = TruncateToSeconds(file.LastWriteTimeUtc);
        var etag = new EntityTagHeaderValue($"\"{lastModified.Ticks:x}-{length:x}\"");
        var headers = response.GetTypedHeaders();
        headers.LastModified = lastModified;
        headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = ContentTypes.TryGetContentType(file.Name, out var contentType) ? contentType : "application/octet-stream";

        if (NotModified(request.GetTypedHeaders(), etag, lastModified))
        {
            response.ContentType = null;
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var (offset, count, status) = ByteRange.Select(request, etag, lastModified, length);
        if (status == StatusCodes.Status416RangeNotSatisfiable)
        {
            response.Headers.ContentRange = $"bytes */{length}";
            await PlainText.WriteAsync(context, status, "Requested range not satisfiable.\n", internalSource: null).ConfigureAwait(false);
            return;
        }
        if (status == StatusCodes.Status206PartialContent)
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {offset}-{offset + count - 1}/{length}");
        response.StatusCode = status;
        response.ContentLength = count;
        if (HttpMethods.IsHead(request.Method) || count == 0)
            return;
        await response.SendFileAsync(file.FullName, offset, count, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).</summary>
    private static bool NotModified(RequestHeaders request, EntityTagHeaderValue etag, DateTimeOffset lastModified)
    {
        var ifNoneMatch = request.IfNoneMatch;
        if (ifNoneMatch is { Count: > 0 })
            return ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false));
        return request.IfModifiedSince is { } since && lastModified <= since;
    }

    /// <summary>
    /// The directory's path with its slash. Leading slashes collapse to one, as Go's cleaned paths do:
    /// "//assets/" would be scheme-relative, and a browser would follow it to the host "assets".
    /// </summary>
    private static string DirectoryLocation(HttpRequest request)
    {
        var path = request.PathBase.Add(request.Path).ToUriComponent();
        return "/" + path.TrimStart('/', '\\') + "/" + request.QueryString.ToUriComponent();
    }

    private static DateTimeOffset TruncateToSeconds(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
