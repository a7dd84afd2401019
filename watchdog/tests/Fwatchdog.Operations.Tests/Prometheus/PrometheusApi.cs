using System.Globalization;
using System.Text.Json;
using Fwatchdog.Operations.Tests.Support;

namespace Fwatchdog.Operations.Tests.Prometheus;

/// <summary>One series of an instant-vector result: its labels and its value.</summary>
internal sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : "";
}

/// <summary>The part of Prometheus' HTTP API the tests read: instant queries (/api/v1/query).</summary>
internal sealed class PrometheusApi : IDisposable
{
    private readonly HttpClient _client;

    public PrometheusApi(Uri baseAddress) =>
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = Limits.Quick };

    /// <summary>Evaluates <paramref name="promql"/> now; it must yield an instant vector.</summary>
    public async Task<IReadOnlyList<Sample>> QueryAsync(string promql)
    {
        var text = await _client.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
            throw new InvalidOperationException($"Query {promql} failed: {text}");
        var data = root.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "vector")
            throw new InvalidOperationException($"Query {promql} is not an instant vector: {text}");

        var samples = new List<Sample>();
        foreach (var series in data.GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            // "value" is [unix time, "string value"]: Prometheus sends numbers as strings to keep NaN and ±Inf.
            var value = double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            samples.Add(new Sample(labels, value));
        }
        return samples;
    }

    /// <summary>
    /// The query's series keyed by one label, e.g. outcome → count. Series without the label are
    /// keyed "" so they are visible in a failed assertion instead of silently dropped.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, double>> ByLabelAsync(string promql, string label)
    {
        var samples = await QueryAsync(promql);
        return samples.ToDictionary(s => s.Label(label), s => s.Value);
    }

    public void Dispose() => _client.Dispose();
}
