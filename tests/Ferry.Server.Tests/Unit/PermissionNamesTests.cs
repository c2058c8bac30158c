using Ferry.Server.Security;

namespace Ferry.Server.Tests.Unit;

public sealed class PermissionNamesTests
{
    [Theory]
    [InlineData("list,read", UserPermissions.ReadOnly)]
    [InlineData("read-only", UserPermissions.ReadOnly)]
    [InlineData("upload-only", UserPermissions.Write)]
    [InlineData(" List , WRITE ", UserPermissions.List | UserPermissions.Write)]
    [InlineData("download,upload,create_dirs", UserPermissions.Read | UserPermissions.Write | UserPermissions.MakeDirectory)]
    [InlineData("all", UserPermissions.All)]
    [InlineData("none", UserPermissions.None)]
    [InlineData("", UserPermissions.None)]
    public void Names_parse(string text, UserPermissions expected)
    {
        Assert.True(PermissionNames.TryParse(text, out var parsed, out _));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void An_unknown_name_is_reported()
    {
        Assert.False(PermissionNames.TryParse("list,wirte", out _, out var unknown));
        Assert.Equal("wirte", unknown);
    }

    [Fact]
    public void Every_flag_round_trips_through_its_name()
    {
        foreach (var flag in Enum.GetValues<UserPermissions>().Where(f => f != UserPermissions.None && (f & (f - 1)) == 0))
        {
            Assert.True(PermissionNames.TryParse(PermissionNames.Format(flag), out var parsed, out _), flag.ToString());
            Assert.Equal(flag, parsed);
        }

        Assert.Equal("all", PermissionNames.Format(UserPermissions.All));
        Assert.Equal("list,read", PermissionNames.Format(UserPermissions.ReadOnly));
        Assert.Equal("write", PermissionNames.Format(UserPermissions.UploadOnly));
    }
}
