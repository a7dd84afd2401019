using System.Globalization;
using System.Text.Json;

namespace Fwatchdog.Operations.Tests.Support;

/// <summary>One log_format=json line, parsed strictly: a log shipper would reject anything less.</summary>
internal sealed record JsonLogLine(DateTime Time, string Level, string Message, string? CallId)
{
    private static readonly string[] Levels = ["debug", "info", "warn", "error"];

    /// <summary>Parses <paramref name="line"/> or throws, naming the line, when it is not a log object.</summary>
    public static JsonLogLine Parse(string line)
    {
        using var document = ParseJson(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException($"Not a JSON object: {line}");

        var timeText = RequiredString(root, "time", line);
        if (!DateTime.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) || time.Kind != DateTimeKind.Utc)
            throw new FormatException($"\"time\" is not an ISO 8601 UTC timestamp: {line}");
        var level = RequiredString(root, "level", line);
        if (Array.IndexOf(Levels, level) < 0)
            throw new FormatException($"\"level\" is not one of {string.Join(", ", Levels)}: {line}");
        var message = RequiredString(root, "message", line);

        string? callId = null;
        if (root.TryGetProperty("call_id", out var id))
            callId = id.ValueKind == JsonValueKind.String ? id.GetString() : throw new FormatException($"\"call_id\" is not a string: {line}");
        return new JsonLogLine(time, level, message, callId);
    }

    private static JsonDocument ParseJson(string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not JSON ({e.Message}): {line}", e);
        }
    }

    private static string RequiredString(JsonElement root, string name, string line) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"No string \"{name}\" field: {line}");
}
