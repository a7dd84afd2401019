using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// marshal_request=true: the function reads <c>{"header":{"Name":["value"]},"body":{"raw":"&lt;base64&gt;"}}</c>,
/// the JSON the Go watchdog writes for an http.Header and a []byte (keys sorted, Host and
/// Transfer-Encoding not among the headers, as in Go's request header map).
/// </summary>
public static class MarshalledRequest
{
    public static byte[] Serialize(IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        using var buffer = new MemoryStream(body.Length * 4 / 3 + 256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("header");
            foreach (var (name, values) in headers.OrderBy(h => GoHeaderCase.Canonicalize(h.Key), StringComparer.Ordinal))
            {
                if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                    continue;
                json.WriteStartArray(GoHeaderCase.Canonicalize(name));
                foreach (var value in values)
                    json.WriteStringValue(value);
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteStartObject("body");
            json.WriteBase64String("raw", body);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
