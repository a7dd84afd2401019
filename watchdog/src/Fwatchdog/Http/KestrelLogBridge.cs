using Microsoft.Extensions.Logging;
using Serilog.Events;
using MicrosoftLogger = Microsoft.Extensions.Logging.ILogger;

namespace Fwatchdog.Http;

/// <summary>
/// Kestrel reports malformed requests (bad Content-Length, oversized headers, broken chunking)
/// through Microsoft.Extensions.Logging at Debug level and answers them itself. This bridge turns
/// exactly those reports, plus Kestrel's warnings and errors, into watchdog log lines — except the
/// report of what a client left behind when it went away mid-call (<see cref="AbandonedConnections"/>).
/// </summary>
public sealed class KestrelLogBridge(Serilog.ILogger log, AbandonedConnections abandoned) : ILoggerFactory, ILoggerProvider
{
    private const string BadRequestCategory = "Microsoft.AspNetCore.Server.Kestrel.BadRequests";

    public MicrosoftLogger CreateLogger(string categoryName) =>
        new Bridge(log, abandoned, categoryName == BadRequestCategory ? LogLevel.Debug : LogLevel.Warning);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Bridge(Serilog.ILogger log, AbandonedConnections abandoned, LogLevel minimum) : MicrosoftLogger
    {
        private const string BadRequestEvent = "ConnectionBadRequest";

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            if (eventId.Name == BadRequestEvent)
            {
                // Deliberately silent: the rest of a body its client abandoned, parsed by Kestrel as a next request.
                if (ConnectionIdOf(state as IReadOnlyList<KeyValuePair<string, object?>>) is { } connectionId && abandoned.Forget(connectionId))
                    return;
                log.Warning("Rejected a malformed request: {reason}", exception?.Message ?? formatter(state, exception));
                return;
            }
            if (logLevel < LogLevel.Warning)
                return;
            var level = logLevel >= LogLevel.Error ? LogEventLevel.Error : LogEventLevel.Warning;
            log.Write(level, exception, "{detail}", formatter(state, exception));
        }

        /// <summary>Kestrel's ConnectionBadRequest message carries the connection as its ConnectionId field.</summary>
        /// <remarks>Not generic, unlike <see cref="Log{TState}"/>: one copy, not one per Kestrel state type.</remarks>
        private static string? ConnectionIdOf(IReadOnlyList<KeyValuePair<string, object?>>? fields)
        {
            if (fields is null)
                return null;
            foreach (var (name, value) in fields)
            {
                if (name == "ConnectionId")
                    return value as string;
            }
            return null;
        }
    }
}
