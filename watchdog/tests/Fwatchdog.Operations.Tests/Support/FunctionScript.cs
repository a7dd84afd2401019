using System.Text;
using Fwatchdog.Testing;

namespace Fwatchdog.Operations.Tests.Support;

/// <summary>
/// A /bin/sh function written to a private directory, so fprocess is one path and a test can
/// choose per request (by path) how the function behaves.
/// </summary>
internal sealed class FunctionScript : IDisposable
{
    private readonly TempDirectory _directory = new("function");

    public FunctionScript(string body)
    {
        Path = _directory.File("function.sh");
        File.WriteAllText(Path, "#!/bin/sh\n" + body.ReplaceLineEndings("\n") + "\n", new UTF8Encoding(false));
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The value for fprocess.</summary>
    public string Path { get; }

    public void Dispose() => _directory.Dispose();
}
