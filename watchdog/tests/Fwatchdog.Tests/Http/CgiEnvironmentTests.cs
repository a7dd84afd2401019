using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Http;

public class CgiEnvironmentTests
{
    private static HttpRequest Request(string method = "POST", string path = "/", string query = "")
    {
        var request = new DefaultHttpContext().Request;
        request.Method = method;
        request.Path = path;
        request.QueryString = new QueryString(query);
        return request;
    }

    private static Dictionary<string, string> Variables(HttpRequest request, string callId = "call-id")
    {
        var variables = CgiEnvironment.Build(request, callId);
        var names = variables.Select(v => v.Key).ToList();
        Assert.Equal(names.Distinct(StringComparer.Ordinal).Count(), names.Count);
        return variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
    }

    [Fact]
    public void Header_names_get_Go_casing_with_underscores()
    {
        var request = Request();
        request.Headers["x-request-id"] = "abc";
        request.Headers["X-FORWARDED-FOR"] = "10.0.0.1";
        request.Headers["accept"] = "*/*";

        var variables = Variables(request);

        Assert.Equal("abc", variables["Http_X_Request_Id"]);
        Assert.Equal("10.0.0.1", variables["Http_X_Forwarded_For"]);
        Assert.Equal("*/*", variables["Http_Accept"]);
    }

    [Fact]
    public void Only_the_first_value_of_a_repeated_header_is_passed()
    {
        var request = Request();
        request.Headers.Append("X-Tag", "first");
        request.Headers.Append("X-Tag", "second");

        Assert.Equal("first", Variables(request)["Http_X_Tag"]);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public void Method_is_passed(string method)
    {
        Assert.Equal(method, Variables(Request(method))["Http_Method"]);
    }

    [Fact]
    public void Content_length_is_passed_under_both_names()
    {
        var request = Request();
        request.ContentLength = 42;

        var variables = Variables(request);

        Assert.Equal("42", variables["Http_ContentLength"]);
        Assert.Equal("42", variables["Http_Content_Length"]);
        Assert.DoesNotContain("Http_Transfer_Encoding", variables.Keys);
    }

    [Fact]
    public void No_body_means_content_length_zero()
    {
        var variables = Variables(Request("GET"));

        Assert.Equal("0", variables["Http_ContentLength"]);
        Assert.Equal("0", variables["Http_Content_Length"]);
    }

    [Fact]
    public void Chunked_body_has_content_length_minus_one_and_its_transfer_encoding()
    {
        var request = Request();
        request.Headers.TransferEncoding = "chunked";

        var variables = Variables(request);

        Assert.Equal("-1", variables["Http_ContentLength"]);
        Assert.Equal("-1", variables["Http_Content_Length"]);
        Assert.Equal("chunked", variables["Http_Transfer_Encoding"]);
    }

    [Fact]
    public void Query_is_passed_without_the_question_mark()
    {
        Assert.Equal("a=1&b=two", Variables(Request(query: "?a=1&b=two"))["Http_Query"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?")]
    public void No_query_means_no_Http_Query(string query)
    {
        Assert.DoesNotContain("Http_Query", Variables(Request(query: query)).Keys);
    }

    [Fact]
    public void A_Query_header_does_not_pose_as_the_query_string()
    {
        var request = Request();
        request.Headers["Query"] = "x";

        Assert.DoesNotContain("Http_Query", Variables(request).Keys);
    }

    [Fact]
    public void A_Query_header_does_not_override_the_real_query()
    {
        var request = Request(query: "?real=1");
        request.Headers["Query"] = "fake";

        Assert.Equal("real=1", Variables(request)["Http_Query"]);
    }

    [Fact]
    public void Headers_cannot_override_the_facts_the_watchdog_sets()
    {
        var request = Request("PUT", "/real");
        request.Headers["Method"] = "FAKE";
        request.Headers["Path"] = "/fake";
        request.Headers["ContentLength"] = "999";
        request.Headers["Content_Length"] = "999";

        var variables = Variables(request);

        Assert.Equal("PUT", variables["Http_Method"]);
        Assert.Equal("/real", variables["Http_Path"]);
        Assert.Equal("0", variables["Http_ContentLength"]);
        Assert.Equal("0", variables["Http_Content_Length"]);
    }

    [Fact]
    public void Path_is_passed()
    {
        Assert.Equal("/function/echo", Variables(Request(path: "/function/echo"))["Http_Path"]);
    }

    [Fact]
    public void Host_is_passed_once()
    {
        var request = Request();
        request.Host = new HostString("gateway:8080");

        Assert.Equal("gateway:8080", Variables(request)["Http_Host"]);
    }

    [Fact]
    public void The_call_id_is_passed()
    {
        Assert.Equal("generated-id", Variables(Request(), "generated-id")["Http_X_Call_Id"]);
    }

    [Theory]
    [InlineData("X-Call-Id")]
    [InlineData("X_Call_Id")]
    public void The_call_id_header_cannot_differ_from_the_call_id_the_watchdog_uses(string header)
    {
        var request = Request();
        request.Headers[header] = "unusable";

        Assert.Equal("replacement", Variables(request, "replacement")["Http_X_Call_Id"]);
    }

    [Theory]
    [InlineData("x-forwarded-for", "Http_X_Forwarded_For")]
    [InlineData("Content-Type", "Http_Content_Type")]
    [InlineData("x_custom", "Http_X_custom")]
    public void Variable_names_follow_Go(string header, string expected)
    {
        Assert.Equal(expected, CgiEnvironment.VariableName(header));
    }
}
