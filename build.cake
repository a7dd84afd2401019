// One entry point for building, testing, publishing, benchmarking and packaging fwatchdog.
// ./build.sh --target=<Build|Publish|Lint|UnitTest|BlackBoxTest|BlackBoxTestArm64|OperationsTest|IntegrationTest|Bench|DockerImage|Test>
// Publish takes --arch=amd64 (default) or --arch=arm64.

var target = Argument("target", "Build");
var configuration = Argument("configuration", "Release");
var benchDuration = Argument("bench-duration", EnvironmentVariable("BENCH_DURATION") ?? "10");

var root = MakeAbsolute(Directory("."));
var artifacts = root.Combine("artifacts");
var binary = artifacts.CombineWithFilePath("fwatchdog");

// Architectures as Docker names them (TARGETARCH), each with its .NET RID. Every binary is also
// written to artifacts/linux-<arch>/fwatchdog, the path release tooling and per-arch images use.
var runtimeIds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["amd64"] = "linux-x64", ["arm64"] = "linux-arm64" };
var arch = Argument("arch", "amd64").ToLowerInvariant() switch { "x64" or "x86_64" => "amd64", "aarch64" => "arm64", var a => a };
if (!runtimeIds.ContainsKey(arch))
    throw new Exception($"--arch={arch} is not supported: use --arch=amd64 or --arch=arm64.");
FilePath BinaryFor(string architecture) => artifacts.Combine($"linux-{architecture}").CombineWithFilePath("fwatchdog");
var arm64Binary = BinaryFor("arm64");

void Run(string command, params string[] arguments)
{
    var exitCode = StartProcess(command, new ProcessSettings {
        Arguments = ProcessArgumentBuilder.FromStrings(arguments),
        WorkingDirectory = root,
    });
    if (exitCode != 0)
        throw new Exception($"{command} {string.Join(" ", arguments)} failed with exit code {exitCode}");
}

void TestProject(string project, IDictionary<string, string> environment = null, string filter = null)
{
    var settings = new DotNetTestSettings {
        Configuration = configuration,
        Filter = filter,
        Loggers = new[] { "console;verbosity=normal" },
        EnvironmentVariables = environment ?? new Dictionary<string, string>(),
    };
    DotNetTest(project, settings);
}

var withBinary = new Dictionary<string, string> { ["FWATCHDOG_BINARY"] = binary.FullPath };

// Tasks that call system tools (promtool, wrk, docker, qemu, ...) installed by Prerequisites. A fresh
// machine has none of them, so each must run after Prerequisites; TaskSetup below fails the build
// at once when one is ordered before it, on any machine, tools present or not.
var needsSystemTools = new HashSet<string>(StringComparer.OrdinalIgnoreCase) {
    "Publish", "PublishArm64", "Lint", "UnitTest", "BlackBoxTest", "BlackBoxTestArm64", "OperationsTest", "DockerImage", "IntegrationTest", "Bench", "Test",
};
var prerequisitesRan = false;
TaskSetup(context =>
{
    if (needsSystemTools.Contains(context.Task.Name) && !prerequisitesRan)
        throw new Exception($"Task '{context.Task.Name}' needs the system tools that 'Prerequisites' installs, " +
            "but runs before it: add .IsDependentOn(\"Prerequisites\") to it.");
});

Task("Prerequisites")
    .Description("Installs system packages (apt) and starts the Docker engine when missing.")
    .Does(() =>
{
    Run("bash", "scripts/prerequisites.sh");
    prerequisitesRan = true;
});

Task("Build")
    .Does(() => DotNetBuild("Watchdog.sln", new DotNetBuildSettings { Configuration = configuration }));

Task("Publish")
    .Description("Native AOT, statically linked, stripped: artifacts/linux-<arch>/fwatchdog (--arch=amd64|arm64); amd64 also artifacts/fwatchdog")
    .IsDependentOn("Prerequisites")
    .Does(() => PublishBinary(arch));

Task("PublishArm64")
    .Description("artifacts/linux-arm64/fwatchdog, cross-compiled and linked for aarch64")
    .IsDependentOn("Prerequisites")
    .Does(() => PublishBinary("arm64"));

void PublishBinary(string architecture)
{
    var runtimeId = runtimeIds[architecture];
    var output = artifacts.Combine("publish").Combine(runtimeId);
    // The cross-link settings for linux-arm64 live in Fwatchdog.csproj, conditioned on the RID.
    DotNetPublish("watchdog/src/Fwatchdog/Fwatchdog.csproj", new DotNetPublishSettings {
        Configuration = "Release",
        Runtime = runtimeId,
        OutputDirectory = output,
        MSBuildSettings = new DotNetMSBuildSettings()
            .WithProperty("PublishAot", "true")
            .WithProperty("Version", ReleaseVersion())
            .WithProperty("SourceRevisionId", GitCommit()),
    });
    var published = output.CombineWithFilePath("fwatchdog");
    ReplaceBinary(published, BinaryFor(architecture));
    if (architecture == "amd64")
        ReplaceBinary(published, binary); // the path tests, images and benchmarks have always used
    Information($"Published {BinaryFor(architecture)} ({new FileInfo(published.FullPath).Length / 1024} KiB, {runtimeId})");
}

// Copy, then rename over the old binary: a running watchdog (a test, a benchmark) keeps its inode,
// where overwriting in place would fail with "Text file busy".
void ReplaceBinary(FilePath source, FilePath destination)
{
    EnsureDirectoryExists(destination.GetDirectory());
    var staged = destination.AppendExtension("new");
    CopyFile(source, staged);
    System.IO.File.Move(staged.FullPath, destination.FullPath, overwrite: true);
}

// The full commit, as the Go watchdog prints it and the image's revision label carries it.
string GitCommit() => FirstLineOf("git", "rev-parse HEAD") ?? "unknown";

// The version of this checkout from its git tag: one source for the binary, the image and the release.
string ReleaseVersion() => FirstLineOf("bash", "scripts/version.sh") ?? "0.0.0-dev";

// The first line a command prints, or null when it fails or cannot start (no git in a source tarball).
string FirstLineOf(string command, string arguments)
{
    try {
        IEnumerable<string> output;
        var exitCode = StartProcess(command, new ProcessSettings { Arguments = arguments, WorkingDirectory = root, RedirectStandardOutput = true }, out output);
        return exitCode == 0 ? output.FirstOrDefault() : null;
    } catch (Exception e) {
        Warning($"{command} {arguments} could not run: {e.Message}");
        return null;
    }
}

Task("Lint")
    .Description("shellcheck over every shell script in the repository (scripts/lint-shell.sh).")
    .IsDependentOn("Prerequisites")
    .Does(() => Run("bash", "scripts/lint-shell.sh"));

Task("UnitTest")
    .IsDependentOn("Prerequisites")
    .IsDependentOn("Build")
    .Does(() =>
    {
        TestProject("watchdog/tests/Fwatchdog.Tests/Fwatchdog.Tests.csproj");
        // Its own process: the supervisor's reaper takes the status of every child of the process it runs in.
        TestProject("watchdog/tests/Fwatchdog.Execution.Tests/Fwatchdog.Execution.Tests.csproj");
    });

Task("BlackBoxTest")
    .IsDependentOn("Prerequisites")
    .IsDependentOn("Publish")
    .Does(() => TestProject("watchdog/tests/Fwatchdog.BlackBox.Tests/Fwatchdog.BlackBox.Tests.csproj", withBinary));

Task("BlackBoxTestArm64")
    .Description("The black-box tests marked Subset=Emulated against the linux-arm64 binary, under qemu-aarch64-static on other hosts.")
    .IsDependentOn("Prerequisites")
    .IsDependentOn("PublishArm64")
    .Does(() =>
{
    var native = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64;
    TestProject("watchdog/tests/Fwatchdog.BlackBox.Tests/Fwatchdog.BlackBox.Tests.csproj", new Dictionary<string, string> {
        ["FWATCHDOG_BINARY"] = arm64Binary.FullPath,
        ["FWATCHDOG_BINARY_LAUNCHER"] = native ? "" : "qemu-aarch64-static",
    }, filter: "Subset=Emulated");
});

Task("OperationsTest")
    .IsDependentOn("Prerequisites")
    .IsDependentOn("Publish")
    .Does(() => TestProject("watchdog/tests/Fwatchdog.Operations.Tests/Fwatchdog.Operations.Tests.csproj", withBinary));

Task("DockerImage")
    .Description("Builds fwatchdog:dev from the locally published binary.")
    .IsDependentOn("Prerequisites")
    .IsDependentOn("Publish")
    .Does(() => Run("bash", "docker/build-image.sh"));

Task("IntegrationTest")
    .IsDependentOn("DockerImage")
    .Does(() => TestProject("integration-tests/Fwatchdog.IntegrationTests/Fwatchdog.IntegrationTests.csproj", withBinary));

Task("Bench")
    .Description("Spawn ceiling vs. the watchdog under wrk; writes artifacts/bench.json and artifacts/bench.svg.")
    .IsDependentOn("Prerequisites")
    .IsDependentOn("Publish")
    .Does(() => Run("bash", "bench/run.sh", benchDuration));

Task("Test")
    .Description("Every test: shell lint, unit, black-box, operations, container integration, and a short benchmark run.")
    .IsDependentOn("Prerequisites")
    .IsDependentOn("Lint")
    .IsDependentOn("UnitTest")
    .IsDependentOn("BlackBoxTest")
    .IsDependentOn("BlackBoxTestArm64")
    .IsDependentOn("OperationsTest")
    .IsDependentOn("IntegrationTest")
    .Does(() => Run("bash", "bench/run.sh", "2"));

RunTarget(target);
