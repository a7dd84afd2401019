using Fwatchdog.Static;
using Fwatchdog.Testing;

namespace Fwatchdog.Tests.Static;

public sealed class StaticFileResolverTests : IDisposable
{
    private readonly TempDirectory _root = new("resolver-root");
    private readonly TempDirectory _outside = new("resolver-outside");
    private readonly StaticFileResolver _resolver;

    public StaticFileResolverTests()
    {
        File.WriteAllText(_root.File("a.txt"), "a");
        Directory.CreateDirectory(_root.File("empty"));
        Directory.CreateDirectory(_root.File("site"));
        File.WriteAllText(Path.Combine(_root.File("site"), "index.html"), "i");
        File.WriteAllText(_outside.File("secret"), "s");
        File.CreateSymbolicLink(_root.File("inside-link"), _root.File("a.txt"));
        File.CreateSymbolicLink(_root.File("outside-link"), _outside.File("secret"));
        _resolver = new StaticFileResolver(_root.Path);
    }

    [Fact]
    public void Files_and_links_that_stay_inside_resolve()
    {
        Assert.Equal(StaticTargetKind.File, _resolver.Resolve("/a.txt").Kind);
        Assert.Equal(StaticTargetKind.File, _resolver.Resolve("/inside-link").Kind);
        Assert.EndsWith("/site/index.html", _resolver.Resolve("/site/").Path);
    }

    [Fact]
    public void Directories_need_their_slash_and_an_index()
    {
        Assert.Equal(StaticTargetKind.DirectoryWithoutSlash, _resolver.Resolve("/site").Kind);
        Assert.Equal(StaticTargetKind.NotFound, _resolver.Resolve("/empty/").Kind);
        Assert.Equal(StaticTargetKind.NotFound, _resolver.Resolve("/a.txt/").Kind);
    }

    [Theory]
    [InlineData("/../../../../etc/passwd")]
    [InlineData("/site/../../outside")]
    [InlineData("/outside-link")]
    [InlineData("/missing")]
    [InlineData("/a.txt\0")]
    public void Nothing_outside_the_root_resolves(string path) =>
        Assert.Equal(StaticTargetKind.NotFound, _resolver.Resolve(path).Kind);

    public void Dispose()
    {
        _root.Dispose();
        _outside.Dispose();
    }
}
