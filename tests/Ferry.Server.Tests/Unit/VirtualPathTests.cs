using Ferry.Server.Storage;

namespace Ferry.Server.Tests.Unit;

public sealed class VirtualPathTests
{
    [Theory]
    [InlineData("/", "a", "/a")]
    [InlineData("/a", "b/c", "/a/b/c")]
    [InlineData("/a/b", "..", "/a")]
    [InlineData("/a", "../../..", "/")]
    [InlineData("/a", "/x/./y//z/", "/x/y/z")]
    [InlineData("/a", "/../../etc/passwd", "/etc/passwd")]
    [InlineData("/a", "", "/a")]
    [InlineData("/a", ".", "/a")]
    [InlineData("/", "..\\secret", "/..\\secret")]
    [InlineData("/", "%2e%2e/x", "/%2e%2e/x")]
    public void Resolve_normalises_and_never_climbs_above_the_root(string current, string client, string expected)
    {
        var cwd = VirtualPath.Resolve(VirtualPath.Root, current);
        Assert.Equal(expected, VirtualPath.Resolve(cwd, client).Value);
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("a\rb")]
    [InlineData("x\r226 fake")]
    [InlineData("a\nb")]
    [InlineData("dir/a\r")]
    public void Cr_lf_or_nul_is_no_path_name(string client)
    {
        Assert.Throws<InvalidPathException>(() => VirtualPath.Resolve(VirtualPath.Root, client));
        Assert.Throws<InvalidPathException>(() => VirtualPath.Root.Child(client));
    }

    [Fact]
    public void Other_control_characters_are_allowed_in_names()
    {
        Assert.Equal("/a\u001b[2Jb\tc", VirtualPath.Resolve(VirtualPath.Root, "a\u001b[2Jb\tc").Value);
    }

    [Fact]
    public void Parent_and_name_of_nested_and_root_paths()
    {
        var path = VirtualPath.Resolve(VirtualPath.Root, "/a/b c");
        Assert.Equal("b c", path.Name);
        Assert.Equal("/a", path.Parent.Value);
        Assert.Equal("/", path.Parent.Parent.Value);
        Assert.True(VirtualPath.Root.Parent.IsRoot);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Child_refuses_names_that_are_not_one_segment(string name) =>
        Assert.Throws<StorageException>(() => VirtualPath.Root.Child(name));
}
