using System.Buffers;
using System.Globalization;
using Fwatchdog.Calls;
using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;
using Microsoft.Win32.SafeHandles;

namespace Fwatchdog.Static;

/// <summary>
/// mode=static: GET and HEAD of the files under static_path, with Content-Type by extension,
/// validators (ETag from modification time and size, Last-Modified) and conditional GET (304),
/// single byte ranges (206, 416), index.html for directories (a directory without its trailing
/// slash is redirected to it, as Go's FileServer does, so relative links work), 404 otherwise.
/// What it cannot serve it returns as a <see cref="FileEnd"/>, which <see cref="CallFinisher"/> answers.
/// </summary>
internal sealed class StaticFileEndpoint(FileTree tree) : IFunctionEndpoint
{
    private const int CopyChunk = 64 * 1024;
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private readonly StaticFileResolver _resolver = new(tree);

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

        using var file = target.File!;
        var length = file.Length;
        var lastModified = TruncateToSeconds(file.LastWriteUtc);
        var etag = new EntityTagHeaderValue($"\"{lastModified.Ticks:x}-{length:x}\"");
        var headers = response.GetTypedHeaders();
        headers.LastModified = lastModified;
        headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = ContentTypes.TryGetContentType(target.Name!, out var contentType) ? contentType : "application/octet-stream";

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
        return await SendAsync(context, file.Handle, offset, count).ConfigureAwait(false);
    }

    /// <summary>
    /// The bytes from the descriptor that was checked, a chunk at a time, stopping at the first sign
    /// the client left: Kestrel completes writes to a closed connection without an error, so a copy
    /// that only awaited writes (SendFileAsync's) read a 64 MiB file to its end for a client gone after 256 KiB.
    /// </summary>
    private static async Task<FileEnd> SendAsync(HttpContext context, SafeFileHandle file, long offset, long count)
    {
        var aborted = context.RequestAborted;
        var body = context.Response.BodyWriter;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(CopyChunk, count));
        try
        {
            while (count > 0)
            {
                if (aborted.IsCancellationRequested)
                    return FileEnd.Cut;
                var read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), offset, aborted).ConfigureAwait(false);
                if (read == 0)
                {
                    // The file shrank under us: the promised Content-Length cannot be kept, so the
                    // connection is closed rather than left out of step.
                    context.Abort();
                    return FileEnd.Cut;
                }
                // The writer says at once when the connection's output has ended; RequestAborted
                // follows only later, after megabytes more would have been read for nobody.
                var written = await body.WriteAsync(buffer.AsMemory(0, read), aborted).ConfigureAwait(false);
                if (written.IsCompleted || written.IsCanceled)
                    return FileEnd.Cut;
                offset += read;
                count -= read;
            }
            return FileEnd.Answered;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return FileEnd.Cut;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
