using Fwatchdog.Telemetry;

namespace Fwatchdog.Tests.Telemetry;

public class HttpMetricsTests
{
    private readonly PrometheusMetrics _metrics = new();

    private void Request(string method, int code, double seconds)
    {
        _metrics.RequestStarted();
        _metrics.RequestCompleted(method, code, seconds);
    }

    [Fact]
    public void Requests_are_counted_by_code_and_lower_case_method()
    {
        Request("POST", 200, 0.1);
        Request("POST", 200, 0.1);
        Request("GET", 500, 0.1);

        var text = Exposition.Render(_metrics);

        Assert.Equal(2, Exposition.Value(text, """http_requests_total{code="200",method="post"}"""));
        Assert.Equal(1, Exposition.Value(text, """http_requests_total{code="500",method="get"}"""));
        Assert.False(Exposition.Has(text, """http_requests_total{code="200",method="get"}"""));
    }

    [Theory]
    [InlineData("POST", "post")]
    [InlineData("Get", "get")]
    [InlineData("delete", "delete")]
    [InlineData("OPTIONS", "options")]
    [InlineData("PROPFIND", "unknown")]
    [InlineData("BREW", "unknown")]
    public void Method_label_is_lower_case_or_unknown(string method, string label)
    {
        Assert.Equal(label, PrometheusMetrics.MethodLabel(method));
    }

    [Fact]
    public void Unknown_methods_share_one_series()
    {
        Request("PROPFIND", 405, 0.01);
        Request("MKCOL", 405, 0.01);

        Assert.Equal(2, Exposition.Value(Exposition.Render(_metrics), """http_requests_total{code="405",method="unknown"}"""));
    }

    [Fact]
    public void In_flight_gauge_goes_up_and_down()
    {
        _metrics.RequestStarted();
        _metrics.RequestStarted();
        Assert.Equal(2, Exposition.Value(Exposition.Render(_metrics), "http_requests_in_flight"));

        _metrics.RequestCompleted("POST", 200, 0.1);
        Assert.Equal(1, Exposition.Value(Exposition.Render(_metrics), "http_requests_in_flight"));

        _metrics.RequestCompleted("POST", 200, 0.1);
        Assert.Equal(0, Exposition.Value(Exposition.Render(_metrics), "http_requests_in_flight"));
    }

    [Fact]
    public void Duration_histogram_buckets_are_cumulative_and_Inf_equals_count()
    {
        foreach (var seconds in new[] { 0.003, 0.2, 0.2, 3, 20 })
            Request("POST", 200, seconds);

        var text = Exposition.Render(_metrics);
        double Bucket(string le) => Exposition.Value(text, $$"""http_request_duration_seconds_bucket{code="200",method="post",le="{{le}}"}""");

        Assert.Equal(1, Bucket("0.005"));
        Assert.Equal(1, Bucket("0.1"));
        Assert.Equal(3, Bucket("0.25"));
        Assert.Equal(3, Bucket("2.5"));
        Assert.Equal(4, Bucket("5"));
        Assert.Equal(4, Bucket("10"));
        Assert.Equal(5, Bucket("+Inf"));
        Assert.Equal(5, Exposition.Value(text, """http_request_duration_seconds_count{code="200",method="post"}"""));
        Assert.Equal(23.403, Exposition.Value(text, """http_request_duration_seconds_sum{code="200",method="post"}"""), 9);
    }

    [Fact]
    public void Bucket_upper_bounds_are_inclusive()
    {
        Request("GET", 200, 0.005);
        Request("GET", 200, 1);

        var text = Exposition.Render(_metrics);

        Assert.Equal(1, Exposition.Value(text, """http_request_duration_seconds_bucket{code="200",method="get",le="0.005"}"""));
        Assert.Equal(1, Exposition.Value(text, """http_request_duration_seconds_bucket{code="200",method="get",le="0.5"}"""));
        Assert.Equal(2, Exposition.Value(text, """http_request_duration_seconds_bucket{code="200",method="get",le="1"}"""));
    }

    [Fact]
    public void Every_bucket_count_is_at_least_the_previous_one()
    {
        foreach (var seconds in new[] { 11, 0.007, 0.04, 0.6, 0.6, 7, 0.0001 })
            Request("PUT", 201, seconds);

        var buckets = Exposition.Render(_metrics).Split('\n')
            .Where(l => l.StartsWith("http_request_duration_seconds_bucket{", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

        Assert.Equal(12, buckets.Count);
        for (var i = 1; i < buckets.Count; i++)
            Assert.True(buckets[i] >= buckets[i - 1], $"bucket {i} is {buckets[i]}, below {buckets[i - 1]}");
        Assert.Equal(7, buckets[^1]);
    }
}
