using System.Text.RegularExpressions;
using Fwatchdog.Operations.Tests.Deploy;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Fwatchdog.Operations.Tests.Release;

/// <summary>
/// .github/workflows/release.yml checked offline, since it can only run on GitHub: it parses,
/// triggers on version tags, runs the README's test command and only commands the README
/// documents, and every script and Cake target it names exists.
/// </summary>
public sealed partial class ReleaseWorkflowTests
{
    private readonly YamlMappingNode _workflow = YamlNodes.LoadMappings(RepositoryFiles.PathOf(RepositoryFiles.Workflow)).Single();

    /// <summary>Every step of every job, in file order (the publishing job follows the build job).</summary>
    private IEnumerable<YamlMappingNode> Steps =>
        _workflow.Map("jobs").Children.Values.OfType<YamlMappingNode>().SelectMany(job => job.Seq("steps").Maps());

    /// <summary>Every command line of every `run:` step.</summary>
    private IReadOnlyList<string> Commands =>
        Steps.Select(step => step.TextOrNull("run")).OfType<string>()
            .SelectMany(run => run.Split('\n')).Select(line => line.Trim()).Where(line => line.Length > 0).ToList();

    [Fact]
    public void Runs_when_a_version_tag_is_pushed_and_only_then()
    {
        var on = _workflow.Map("on");

        Assert.Equal(["push"], on.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        var push = on.Map("push");
        Assert.Equal(["tags"], push.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        Assert.Equal(["v*"], push.Seq("tags").Children.Select(t => ((YamlScalarNode)t).Value));
    }

    [Fact]
    public void Runs_the_readme_test_command_before_publishing_anything()
    {
        var testCommand = RepositoryFiles.CodeLines("README.md").First(line => line.Contains("--target=Test", StringComparison.Ordinal));
        var commands = Commands.ToList();

        Assert.Equal("./build.sh --target=Test", testCommand);
        var test = commands.IndexOf(testCommand);
        Assert.True(test >= 0, $"The workflow never runs the README's test command `{testCommand}`.");
        var firstPublishing = commands.FindIndex(c => c.Contains("--target=Publish", StringComparison.Ordinal) || c.StartsWith("scripts/release-", StringComparison.Ordinal));
        Assert.True(firstPublishing > test, "The workflow publishes before it tests.");
    }

    [Fact]
    public void Every_command_it_runs_is_one_the_readme_documents()
    {
        var documented = RepositoryFiles.CodeLines("README.md").ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(Commands);
        Assert.All(Commands, command => Assert.True(documented.Contains(command),
            $"{RepositoryFiles.Workflow} runs `{command}`, which no code block of README.md shows; document it (section Releases) or run a documented command."));
    }

    [Fact]
    public async Task Every_script_it_calls_exists_and_is_executable()
    {
        var scripts = Commands.Select(c => c.Split(' ')[0]).Distinct().ToList();

        Assert.Contains("scripts/release-assets.sh", scripts);
        foreach (var script in scripts)
        {
            var relative = script.StartsWith("./", StringComparison.Ordinal) ? script[2..] : script;
            var path = RepositoryFiles.PathOf(relative);
            Assert.True(File.Exists(path), $"{RepositoryFiles.Workflow} calls {script}, which does not exist.");
            Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable: chmod +x {relative}");
            var mode = await Git.IndexModeAsync(RepositoryFiles.Root, relative);
            Assert.True(mode is null or "100755", $"{script} is committed without its executable bit (mode {mode}): git update-index --chmod=+x {relative}");
        }
    }

    [Fact]
    public void Every_cake_target_it_runs_is_defined_in_build_cake()
    {
        var cake = RepositoryFiles.Read("build.cake");
        var targets = Commands.SelectMany(c => CakeTarget().Matches(c)).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Equal(["Test", "Publish"], targets);
        Assert.All(targets, target => Assert.Contains($"Task(\"{target}\")", cake, StringComparison.Ordinal));
    }

    [Fact]
    public void Publishes_both_architectures_then_their_assets_image_and_release()
    {
        var commands = Commands.ToList();
        int At(string command) => commands.IndexOf(command) is var i and >= 0 ? i
            : throw new Xunit.Sdk.XunitException($"{RepositoryFiles.Workflow} never runs `{command}`.");

        Assert.True(At("./build.sh --target=Publish") < At("scripts/release-assets.sh"));
        Assert.True(At("./build.sh --target=Publish --arch=arm64") < At("scripts/release-assets.sh"));
        Assert.True(At("scripts/release-assets.sh") < At("scripts/release-image.sh --push"));
        Assert.True(At("scripts/release-image.sh --push") < At("scripts/github-release.sh \"$GITHUB_REF_NAME\""));
        Assert.True(At("scripts/check-release.sh \"$GITHUB_REF_NAME\"") < At("./build.sh --target=Test"), "The tag should be checked before the long test run.");
    }

    [Fact]
    public void Only_the_publishing_job_may_write_and_it_runs_after_the_build()
    {
        Assert.Equal("read", _workflow.Map("permissions").Text("contents"));
        var publish = _workflow.Map("jobs").Map("publish");
        Assert.Equal("build", publish.Text("needs"));
        Assert.Equal("write", publish.Map("permissions").Text("contents"));
        Assert.Equal("write", publish.Map("permissions").Text("packages"));
        Assert.False(_workflow.Map("jobs").Map("build").Has("permissions"), "The build job runs the tests; it needs no write access.");
    }

    [Fact]
    public void Every_action_is_pinned_to_a_released_major_version()
    {
        var actions = Steps.Select(step => step.TextOrNull("uses")).OfType<string>().ToList();

        Assert.NotEmpty(actions);
        Assert.All(actions, action => Assert.Matches(PinnedAction(), action));
    }

    [GeneratedRegex(@"--target=(\w+)")]
    private static partial Regex CakeTarget();

    [GeneratedRegex(@"^[\w.-]+/[\w.-]+@v\d+(\.\d+){0,2}$")]
    private static partial Regex PinnedAction();
}
