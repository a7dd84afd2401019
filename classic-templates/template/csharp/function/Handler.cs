namespace Function;

public static class Handler
{
    // The request body in, the response body out.
    public static string Handle(string input) => $"Hello from C#, you said: {input}";
}
