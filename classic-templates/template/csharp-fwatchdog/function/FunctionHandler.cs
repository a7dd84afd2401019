namespace Function;

// The class and method the OpenFaaS csharp template calls, so its handlers work here unchanged.
public class FunctionHandler
{
    // The request body in, the response body out (null: an empty response).
    public string Handle(string input) => $"Hello from C#, you said: {input}";
}
