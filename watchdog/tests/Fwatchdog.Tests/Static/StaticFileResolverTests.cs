using Fwatchdog.Static;
using Fwatchdog.Testing;

namespace Fwatchdog.Tests.Static;

public sealed class StaticFileResolverTests : IDisposable
{
    private readonly TempDirectory _root = new("resolver-root");
    private readonly TempDirectory _outside = new("resolver-outside");
    private readonly FileTree _tree;
    private readonly StaticFileResolver _resolver;

    public StaticFileResolverTests()
    {
        File.WriteAllText(_root.File("a.txt"), "a");
        Directory.CreateDirectory(_root.File("empty"));
        Directory.CreateDirectory(_root.File("site"));
        File.WriteAllText(Path.Combine(_root.File("site"), "index.html"), "i");
        File.WriteAllText(_outside.File("secret"), "s");
        File.CreateSymbolicLink(_root.File("inside-link"), _root.File("a.txt"));   // absolute, back inside
        File.CreateSymbolicLink(_root.File("relative-link"), "site/index.html");
        File.CreateSymbolicLink(_root.File("outside-link"), _outside.File("secret"));
        File.CreateSymbolicLink(_root.File("climbing-link"), "../" + Path.GetFileName(_outside.Path) + "/secret");
        _tree = new FileTree(_root.Path);
        _resolver = new StaticFileResolver(_tree);
    }

    [Fact]
    public void Files_and_links_that_stay_inside_resolve()
    {
        Assert.Equal("a", Read(_resolver.Resolve("/a.txt")));
        Assert.Equal("a", Read(_resolver.Resolve("/inside-link")));
        Assert.Equal("i", Read(_resolver.Resolve("/relative-link")));
        var index = _resolver.Resolve("/site/");
        Assert.Equal("index.html", index.Name);
        Assert.Equal("i", Read(index));
        Assert.Equal("a", Read(_resolver.Resolve("/site/../a.txt"))); // cleaned as text, as Go's FileServer does
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
    [InlineData("/climbing-link")]
    [InlineData("/missing")]
    [InlineData("/a.txt\0")]
    public void Nothing_outside_the_root_resolves(string path) =>
        Assert.Equal(StaticTargetKind.NotFound, _resolver.Resolve(path).Kind);

    [Fact]
    public void A_file_that_vanished_is_not_found()
    {
        File.Delete(_root.File("a.txt"));
        Assert.Equal(StaticTargetKind.NotFound, _resolver.Resolve("/a.txt").Kind);
    }

    /// <summary>The found file's bytes, read from the descriptor the resolver opened.</summary>
    private static string Read(StaticTarget target)
    {
        Assert.Equal(StaticTargetKind.File, target.Kind);
        using var file = target.File!;
        var bytes = new byte[file.Length];
        RandomAccess.Read(file.Handle, bytes, 0);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    public void Dispose()
    {
        _tree.Dispose();
        _root.Dispose();
        _outside.Dispose();
    }
}
