using System.Buffers;
using Fwatchdog.Execution;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// cgi_response=true in classic mode: the header block at the start of the held output, read once
/// the function has exited successfully. The output itself stays whole, so a failed function's 500
/// still carries everything it wrote, a traceback before any header included.
/// </summary>
/// <param name="Headers">Null when cgi_response is off or the block is invalid.</param>
/// <param name="BlockLength">Bytes of output the header block takes; the body follows.</param>
/// <param name="Fault">Why the output is not a valid CGI response, or null.</param>
internal readonly record struct CgiResponse(CgiResponseHeaders? Headers, int BlockLength, string? Fault)
{
    public static async Task<CgiResponse> ReadAsync(SpillBuffer output, RequestLog log, CancellationToken cancellationToken)
    {
        // One byte more than a block may take, so a block that does not end within the limit is told as such.
        var wanted = (int)Math.Min(output.Length, CgiHeaderReader.MaxBlockBytes + 1);
        var start = ArrayPool<byte>.Shared.Rent(wanted);
        var reader = new CgiHeaderReader();
        int blockLength;
        try
        {
            var length = await output.CopyStartAsync(start.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
            blockLength = reader.Read(start.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(start);
        }
        reader.End();
        var fault = reader.Fault;
        if (reader.Headers is { AllowsBody: false } headers && output.Length > blockLength)
            fault = NoBodyAllowed(headers);
        if (fault is not null)
        {
            LogFault(log, fault);
            return new CgiResponse(null, 0, fault);
        }
        return new CgiResponse(reader.Headers, blockLength, null);
    }

    public static string NoBodyAllowed(CgiResponseHeaders headers) =>
        $"Status {headers.Status} allows no body, but the function wrote one after its headers";

    /// <summary>The 502 for an output that is not a valid CGI response: one line naming the fault.</summary>
    public static Task AnswerInvalidAsync(HttpContext context, string fault) =>
        PlainText.WriteAsync(context, StatusCodes.Status502BadGateway, $"Invalid CGI response from the function: {fault}.\n");

    public static void LogFault(RequestLog log, string fault) =>
        log.Warning("The function's output is not a valid CGI response: {fault}. With cgi_response=true, start the output with " +
            "header lines and an empty line, or set cgi_response=false.", fault);
}
