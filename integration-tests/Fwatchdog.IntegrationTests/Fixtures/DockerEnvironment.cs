using Docker.DotNet;
using Docker.DotNet.Models;
using Fwatchdog.IntegrationTests.Docker;
using Fwatchdog.IntegrationTests.FaasCli;
using Fwatchdog.IntegrationTests.Support;
using Fwatchdog.Testing;

namespace Fwatchdog.IntegrationTests.Fixtures;

/// <summary>
/// Shared by every test: the engine connection, the local base images, fwatchdog:dev made from
/// the published binary by docker/build-image.sh, a faas-cli project folder with the repository's
/// templates pulled into it, and each template's image, built the way faas-cli builds it once on
/// first use. Everything this run created is removed when the collection ends, and what an earlier run
/// that was killed left behind (found by label, its owner process gone) is removed when it starts.
/// </summary>
public sealed class DockerEnvironment : IAsyncLifetime
{
    /// <summary>
    /// The watchdog image the templates copy from: fwatchdog:dev, or FWATCHDOG_TEST_IMAGE so that
    /// runs from several checkouts on one engine do not retag each other's image.
    /// </summary>
    public static string WatchdogImage { get; } =
        Environment.GetEnvironmentVariable("FWATCHDOG_TEST_IMAGE") is { Length: > 0 } tag ? tag : "fwatchdog:dev";

    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<string, Task<string>> _templateImages = new();
    private readonly TempDirectory _faasCliFolder = new("faas-cli");
    private ImageBuilder? _builder;
    private DockerClient? _docker;

    public DockerClient Docker => _docker ?? throw new InvalidOperationException("not initialised");

    /// <summary>Where faas-cli would run: <c>template/</c> pulled from the repository, handlers, <c>build/</c>.</summary>
    public FaasCliProject FaasCli { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _docker = await DockerEngine.ConnectAsync();
        _builder = new ImageBuilder(_docker);
        await RemoveLeftoversAsync();

        var binary = WatchdogBinary.Path; // throws, naming the fix, when there is none
        FaasCli = new FaasCliProject(_faasCliFolder.Path);
        FaasCli.PullTemplates(RepositoryPaths.Root);
        await ScriptRunner.RunAsync("docker/base-images/build.sh", TimeSpan.FromMinutes(15));
        await ScriptRunner.RunAsync("docker/build-image.sh", TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["FWATCHDOG_BINARY"] = binary }, [WatchdogImage]);
    }

    /// <summary>The template's image tag, building it the first time it is asked for.</summary>
    public Task<string> TemplateImageAsync(Template template)
    {
        lock (_templateImages)
        {
            if (!_templateImages.TryGetValue(template.Name, out var image))
                _templateImages[template.Name] = image = BuildTemplateAsync(template);
            return image;
        }
    }

    /// <summary>Builds an image this run owns (removed at the end) and returns its tag.</summary>
    public async Task<string> BuildAsync(string name, Func<Stream> context, string dockerfile, IDictionary<string, string> buildArgs)
    {
        var tag = $"fwatchdog-it/{name}:{_runId}";
        await _builder!.BuildAsync(context, dockerfile, tag, buildArgs, TimeSpan.FromMinutes(10));
        return tag;
    }

    /// <summary>
    /// Starts a container of the template's image (built on first use) with these variables, and
    /// returns once its watchdog is listening; a container that never gets there is removed.
    /// </summary>
    public async Task<RunningContainer> StartListeningAsync(Template template, IReadOnlyDictionary<string, string>? environment = null,
        long? memoryLimitBytes = null)
    {
        var variables = template.ContainerEnvironment();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) variables[name] = value;
        return await StartListeningAsync(await TemplateImageAsync(template), variables, memoryLimitBytes);
    }

    /// <summary>Starts a container of an image this run built and returns once its watchdog is listening.</summary>
    public async Task<RunningContainer> StartListeningAsync(string image, IReadOnlyDictionary<string, string>? environment = null,
        long? memoryLimitBytes = null)
    {
        var container = await RunningContainer.StartAsync(Docker, image, environment, memoryLimitBytes);
        try
        {
            await container.WaitUntilListeningAsync();
            return container;
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// <c>faas-cli new</c> a function of the template, lets <paramref name="editHandler"/> change its
    /// handler folder (as a user would), then builds it as <c>faas-cli build</c> with
    /// <c>lang: <paramref name="language"/></c> would (the template's name, or <c>dockerfile</c>).
    /// </summary>
    public Task<string> BuildFunctionAsync(string function, Template template, string language, Action<string>? editHandler = null)
    {
        var handler = FaasCli.New(function, template.Name);
        editHandler?.Invoke(handler);
        var context = FaasCli.CreateBuildContext(function, handler, language);
        return BuildAsync(function, () => BuildContext.FromFolder(context), "Dockerfile", Template.BuildArgs(context, WatchdogImage));
    }

    private Task<string> BuildTemplateAsync(Template template) => BuildFunctionAsync(template.Name, template, template.Name);

    private async Task RemoveLeftoversAsync()
    {
        var labelled = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [ImageBuilder.Label] = true } };
        var containers = await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = labelled });
        foreach (var container in containers.Where(c => ImageBuilder.IsLeftover(c.Labels, c.Created)))
            await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        var images = await Docker.Images.ListImagesAsync(new ImagesListParameters { All = true, Filters = labelled });
        foreach (var image in images.Where(i => ImageBuilder.IsLeftover(i.Labels, i.Created)))
        {
            try { await Docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true }); }
            catch (DockerImageNotFoundException) { } // went with an image removed before it
            catch (DockerApiException) { } // a parent of another leftover: goes when that one does
        }
    }

    public async Task DisposeAsync()
    {
        _faasCliFolder.Dispose();
        if (_docker is null) return;
        if (_builder is not null) await _builder.RemoveAllAsync();
        _docker.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerEnvironment>
{
    public const string Name = "docker";
}
