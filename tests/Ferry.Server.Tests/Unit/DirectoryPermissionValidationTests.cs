using Ferry.Server.Security;

namespace Ferry.Server.Tests.Unit;

/// <summary>Server:DirectoryPermissions is checked at start; each bad entry is one message naming its key.</summary>
public sealed class DirectoryPermissionValidationTests
{
    [Theory]
    [InlineData("incoming", "DirectoryPermissions:0:Path:")]
    [InlineData("/pub/../etc", "DirectoryPermissions:0:Path:")]
    [InlineData("/pub//x", "DirectoryPermissions:0:Path:")]
    [InlineData("/pub/./x", "DirectoryPermissions:0:Path:")]
    [InlineData("", "DirectoryPermissions:0:Path:")]
    public void A_path_that_is_not_clean_and_absolute_is_refused(string path, string key)
    {
        var errors = Validate(new DirectoryPermissionRule { Path = path, Permissions = "list" });
        Assert.Single(errors);
        Assert.StartsWith(key, errors[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/pub")]
    [InlineData("/pub/")]
    [InlineData("/with space/ünïcode")]
    public void Clean_paths_are_accepted(string path) =>
        Assert.Empty(Validate(new DirectoryPermissionRule { Path = path, Permissions = "list,read" }));

    [Fact]
    public void An_unknown_permission_is_named()
    {
        var errors = Validate(new DirectoryPermissionRule { Path = "/pub", Permissions = "list,raed" });
        Assert.Equal(["DirectoryPermissions:0:Permissions: 'raed' is not a permission (" + PermissionNames.Valid + ")."], errors);
    }

    [Fact]
    public void Two_rules_for_the_same_folder_and_user_clash()
    {
        var errors = Validate(
            new DirectoryPermissionRule { Path = "/pub", Permissions = "list" },
            new DirectoryPermissionRule { Path = "/pub", Permissions = "all", Users = ["bob"] },
            new DirectoryPermissionRule { Path = "/pub/", Permissions = "read", Users = ["bob", "carol"] });
        Assert.Equal(["DirectoryPermissions:2: DirectoryPermissions:1 already sets /pub for bob."], errors);
    }

    [Fact]
    public void Anonymous_rules_may_only_restrict()
    {
        Assert.Empty(Validate(new DirectoryPermissionRule { Path = "/private", Permissions = "none", Users = ["anonymous"] }));
        Assert.Single(Validate(new DirectoryPermissionRule { Path = "/up", Permissions = "write", Users = ["anonymous"] }));
        Assert.Single(Validate(new DirectoryPermissionRule { Path = "/up", Permissions = "mkdir", Users = ["ftp"] }));
    }

    private static List<string> Validate(params DirectoryPermissionRule[] rules)
    {
        var options = new FtpServerOptions();
        options.DirectoryPermissions.AddRange(rules);
        return [.. options.Validate()];
    }
}
