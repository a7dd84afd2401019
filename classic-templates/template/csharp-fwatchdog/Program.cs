// Entry point the watchdog forks for each request: the request body arrives on stdin, whatever
// the handler returns is written to stdout as the response body.
using System.Text;

var input = await Console.In.ReadToEndAsync();
var output = new Function.FunctionHandler().Handle(input);
if (output is not null)
{
    var stdout = Console.OpenStandardOutput();
    await stdout.WriteAsync(Encoding.UTF8.GetBytes(output));
    await stdout.FlushAsync();
}
