using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Http;

public class RequestTimeoutTests
{
    [Theory]
    [InlineData(10, null, 10)]        // exec_timeout 10s, no header
    [InlineData(10, "2s", 2)]         // X-Timeout shortens
    [InlineData(10, "20s", 10)]       // never lengthens
    [InlineData(0, "3s", 3)]          // exec_timeout 0 (none): the header sets one
    [InlineData(10, "0s", 10)]        // zero is no request
    [InlineData(10, "-1s", 10)]       // negative is ignored
    [InlineData(10, "banana", 10)]    // unparsable is ignored
    [InlineData(10, "4", 4)]          // bare seconds, as the watchdogs read durations
    public void X_Timeout_shortens_exec_timeout_but_never_lengthens_it(double execSeconds, string? header, double expectedSeconds)
    {
        var headers = new HeaderDictionary();
        if (header is not null)
            headers["X-Timeout"] = header;

        var effective = RequestTimeout.Effective(TimeSpan.FromSeconds(execSeconds), headers);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), effective);
    }
}
