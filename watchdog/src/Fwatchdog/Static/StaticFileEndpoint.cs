using System.Globalization;
using Fwatchdog.Calls;
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
/// What it cannot serve it returns as a <see cref="FileEnd"/>, which <see cref="CallFinisher"/> answers.
/// </summary>
internal sealed class StaticFileEndpoint : IFunctionEndpoint
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private readonly StaticFileResolver _resolver;

    public StaticFileEndpoint(string root) => _resolver = new StaticFileResolver(root);

    public async ValueTask<CallOutcome> HandleAsync(HttpContext context, long started) =>
        CallOutcome.Served(await ServeAsync(context).ConfigureAwait(false));

    private async ValueTask<FileEnd> ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            return FileEnd.MethodNotAllowed;

        var target = _resolver.Resolve(request.Path.Value ?? "/");
        switch (target.Kind)
        {
            case StaticTargetKind.DirectoryWithoutSlash:
                response.StatusCode = StatusCodes.Status301MovedPermanently;
                response.Headers.Location = DirectoryLocation(request);
                return FileEnd.Answered;
            case StaticTargetKind.NotFound:
                return FileEnd.NotFound;
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
            return FileEnd.Answered;
        }

        var (offset, count, status) = ByteRange.Select(request, etag, lastModified, length);
        if (status == StatusCodes.Status416RangeNotSatisfiable)
        {
            response.Headers.ContentRange = $"bytes */{length}";
            return FileEnd.RangeNotSatisfiable;
        }
        if (status == StatusCodes.Status206PartialContent)
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {offset}-{offset + count - 1}/{length}");
        response.StatusCode = status;
        response.ContentLength = count;
        if (HttpMethods.IsHead(request.Method) || count == 0)
            return FileEnd.Answered;
        await response.SendFileAsync(file.FullName, offset, count, context.RequestAborted).ConfigureAwait(false);
        return FileEnd.Answered;
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
