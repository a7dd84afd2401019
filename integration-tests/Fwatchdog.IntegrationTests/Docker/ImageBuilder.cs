using Docker.DotNet;
using Docker.DotNet.Models;

namespace Fwatchdog.IntegrationTests.Docker;

/// <summary>
/// Builds images through the engine's API and remembers every image a build created (the tagged
/// image and the intermediate images of its other stages), so that <see cref="RemoveAllAsync"/>
/// leaves the engine as it found it. Builds must not overlap: what a build created is found by
/// comparing the engine's image list before and after it.
/// </summary>
public sealed class ImageBuilder(DockerClient docker)
{
    private readonly List<string> _created = new();
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public const string Label = "fwatchdog.integration-test";

    /// <summary>
    /// The label's value on everything a run creates: the test process's PID, so that a run starting
    /// while another is still going (several worktrees share one engine) leaves that run's images
    /// and containers alone.
    /// </summary>
    public static readonly string Owner = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether a labelled object belongs to a run that has ended (or to one from before owners were recorded, an hour on).</summary>
    public static bool IsLeftover(IDictionary<string, string>? labels, DateTime created) =>
        labels is not null && labels.TryGetValue(Label, out var owner) && int.TryParse(owner, out var pid)
            ? !Directory.Exists($"/proc/{pid}")
            : DateTime.UtcNow - created.ToUniversalTime() > TimeSpan.FromHours(1);

    public async Task BuildAsync(Func<Stream> context, string dockerfile, string tag, IDictionary<string, string> buildArgs,
        TimeSpan timeout)
    {
        await _oneAtATime.WaitAsync();
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            var before = await ImageIdsAsync();
            var errors = new List<string>();
            var output = new List<string>();
            var progress = new Progress<JSONMessage>(message =>
            {
                lock (output)
                {
                    if (!string.IsNullOrEmpty(message.Stream)) output.Add(message.Stream.TrimEnd());
                    if (!string.IsNullOrEmpty(message.ErrorMessage)) errors.Add(message.ErrorMessage);
                    else if (message.Error is { } error) errors.Add(error.Message);
                }
            });
            try
            {
                await using var contents = context();
                await docker.Images.BuildImageFromDockerfileAsync(
                    new ImageBuildParameters
                    {
                        Dockerfile = dockerfile,
                        Tags = new List<string> { tag },
                        BuildArgs = buildArgs,
                        Labels = new Dictionary<string, string> { [Label] = Owner },
                        Remove = true,
                        ForceRemove = true,
                    },
                    contents, authConfigs: null, headers: null, progress, cancel.Token);
            }
            finally
            {
                // Another build running on the engine at the same time would make tagged images of
                // its own; only untagged ones (this build's stages) and this tag are taken as ours.
                var after = await docker.Images.ListImagesAsync(new ImagesListParameters { All = true });
                _created.AddRange(after
                    .Where(image => !before.Contains(image.ID))
                    .Where(image => image.RepoTags is null || image.RepoTags.All(t => t == "<none>:<none>" || t == tag))
                    .Select(image => image.ID));
            }
            string log;
            lock (output) log = string.Join("\n", output.TakeLast(40));
            if (errors.Count > 0)
                throw new InvalidOperationException($"Building {tag} failed: {string.Join("; ", errors)}\n{log}");
            await docker.Images.InspectImageAsync(tag); // throws if the build silently produced nothing
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Newest first, so each image goes before the parents it was built on.</summary>
    public async Task RemoveAllAsync()
    {
        for (var i = _created.Count - 1; i >= 0; i--)
        {
            try { await docker.Images.DeleteImageAsync(_created[i], new ImageDeleteParameters { Force = true }); }
            catch (DockerImageNotFoundException) { } // removed already as the parent of a later one
            catch (DockerApiException) { } // used by a container still running; cleanup goes on with the rest
        }
        _created.Clear();
    }

    private async Task<HashSet<string>> ImageIdsAsync() =>
        (await docker.Images.ListImagesAsync(new ImagesListParameters { All = true })).Select(image => image.ID).ToHashSet();
}
