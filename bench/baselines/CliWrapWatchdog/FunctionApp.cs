using System.Diagnostics;
using System.Text;
using CliWrap;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CliWrapWatchdog;

/// <summary>
/// The classic watchdog's request handling with CliWrap as the process runner: one process per call,
/// request body → stdin, stdout buffered whole in memory, then 200 (or 500 with the exit status).
/// </summary>
public sealed class FunctionApp(string program, string[] arguments, int metricsPort) : IHttpApplication<HttpContext>
{
    private static readonly byte[] Ok = "OK"u8.ToArray();

    public volatile bool Accepting;

    public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

    public void DisposeContext(HttpContext context, Exception? exception) { }

    public Task ProcessRequestAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.Connection.LocalPort == metricsPort)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound; // no metrics in this baseline
            return Task.CompletedTask;
        }
        if (request.Path.Value == "/_/health")
        {
            context.Response.StatusCode = Accepting ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            return Accepting ? context.Response.Body.WriteAsync(Ok).AsTask() : Task.CompletedTask;
        }
        if (request.Method is "POST" or "PUT" or "PATCH" or "DELETE" or "GET")
            return RunFunctionAsync(context);
        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        return Task.CompletedTask;
    }

    private async Task RunFunctionAsync(HttpContext context)
    {
        Log.Line("Forking fprocess.");
        var started = Stopwatch.GetTimestamp();
        using var output = new MemoryStream();
        int status;
        byte[] prefix = [];
        try
        {
            var result = await Cli.Wrap(program)
                .WithArguments(arguments)
                .WithStandardInputPipe(PipeSource.FromStream(context.Request.Body))
                .WithStandardOutputPipe(PipeTarget.ToStream(output))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(context.RequestAborted);
            status = result.ExitCode == 0 ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError;
            if (result.ExitCode != 0)
                prefix = Encoding.UTF8.GetBytes($"exit status {result.ExitCode}\n");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            status = StatusCodes.Status500InternalServerError; // e.g. the program could not be started
            prefix = Encoding.UTF8.GetBytes($"{e.Message}\n");
        }

        var response = context.Response;
        response.StatusCode = status;
        if (context.Request.ContentType is { } contentType)
            response.ContentType = contentType;
        response.ContentLength = prefix.Length + output.Length;
        if (prefix.Length > 0)
            await response.Body.WriteAsync(prefix);
        await response.Body.WriteAsync(output.GetBuffer().AsMemory(0, (int)output.Length));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Log.Line($"Wrote {output.Length} Bytes - Duration: {seconds:F6}s");
    }
}

/// <summary>Text log lines on stdout in the classic watchdog's shape: <c>yyyy/MM/dd HH:mm:ss message</c>.</summary>
public static class Log
{
    public static void Line(string message) =>
        Console.Out.Write($"{DateTime.Now:yyyy/MM/dd HH:mm:ss} {message}\n");
}
