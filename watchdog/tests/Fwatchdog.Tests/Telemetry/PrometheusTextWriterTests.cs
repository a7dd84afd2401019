using Fwatchdog.Telemetry;

namespace Fwatchdog.Tests.Telemetry;

public class PrometheusTextWriterTests
{
    private static string Write(Action<PrometheusTextWriter> write)
    {
        var output = new StringWriter();
        write(new PrometheusTextWriter(output));
        return output.ToString();
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline()
    {
        Assert.Equal("path=\"a\\\\b\\\"c\\nd\"", PrometheusTextWriter.Label("path", "a\\b\"c\nd"));
    }

    [Fact]
    public void Plain_label_values_are_unchanged()
    {
        Assert.Equal("method=\"post\"", PrometheusTextWriter.Label("method", "post"));
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0d, "0")]
    [InlineData(1d, "1")]
    [InlineData(0.005, "0.005")]
    [InlineData(2.5, "2.5")]
    [InlineData(-3.25, "-3.25")]
    public void Values_format_like_Go(double value, string expected)
    {
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));
    }

    [Fact]
    public void Values_survive_a_round_trip()
    {
        var value = 0.1 + 0.2;

        Assert.Equal(value, double.Parse(PrometheusTextWriter.FormatValue(value), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Family_writes_help_then_type()
    {
        var text = Write(w => w.Family("jobs_total", "counter", "Jobs done."));

        Assert.Equal("# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\n", text);
    }

    [Fact]
    public void Help_text_escapes_backslash_and_newline()
    {
        var text = Write(w => w.Family("x", "gauge", "a\\b\nc"));

        Assert.Equal("# HELP x a\\\\b\\nc\n# TYPE x gauge\n", text);
    }

    [Fact]
    public void Sample_without_labels_has_no_braces()
    {
        Assert.Equal("up 1\n", Write(w => w.Sample("up", "", 1L)));
    }

    [Fact]
    public void Sample_with_labels_wraps_them_in_braces()
    {
        var labels = PrometheusTextWriter.Label("code", "200");

        Assert.Equal("requests{code=\"200\"} 7\n", Write(w => w.Sample("requests", labels, 7L)));
    }

    [Fact]
    public void Extra_label_is_appended_after_the_others()
    {
        var labels = PrometheusTextWriter.Label("code", "200");

        Assert.Equal("h_bucket{code=\"200\",le=\"+Inf\"} 3\n", Write(w => w.Sample("h_bucket", labels, "le", "+Inf", 3L)));
    }

    [Fact]
    public void Extra_label_alone_still_gets_braces()
    {
        Assert.Equal("h_bucket{le=\"0.5\"} 1\n", Write(w => w.Sample("h_bucket", "", "le", "0.5", 1L)));
    }

    [Fact]
    public void Double_samples_use_Go_float_text()
    {
        Assert.Equal("s +Inf\n", Write(w => w.Sample("s", "", double.PositiveInfinity)));
    }
}
