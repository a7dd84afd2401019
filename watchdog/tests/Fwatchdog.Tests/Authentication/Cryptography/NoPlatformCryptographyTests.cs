using System.Runtime.CompilerServices;

namespace Fwatchdog.Tests.Authentication.Cryptography;

public class NoPlatformCryptographyTests
{
    // The reason this code exists: System.Security.Cryptography needs libssl, and in the static
    // binary in an image without it the first call aborts the process. The tests may use it as an
    // oracle; the product code must not.
    [Fact]
    public void The_product_cryptography_code_does_not_use_System_Security_Cryptography()
    {
        var files = Directory.GetFiles(ProductFolder(), "*.cs");

        Assert.NotEmpty(files);
        // Comments may name it (to say why it is not used); code may not, not even through a using.
        Assert.All(files, file =>
        {
            var code = File.ReadAllLines(file).Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal));
            Assert.DoesNotContain(code, line => line.Contains("System.Security", StringComparison.Ordinal));
        });
    }

    // From this file's compile-time path: tests/Fwatchdog.Tests/Authentication/Cryptography → src/Fwatchdog/Authentication/Cryptography.
    private static string ProductFolder([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "..", "src", "Fwatchdog", "Authentication", "Cryptography"));
}
