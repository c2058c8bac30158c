using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>
/// Uploaded files and MKD folders get the configured mode (UploadUmask, a user's own umask
/// winning), set explicitly so the process umask does not decide, and the configured owner.
/// </summary>
public sealed class UploadModeTests
{
    [Fact]
    [VerbTest("STOR", "MKD")]
    public async Task Uploads_and_new_folders_get_the_server_umask()
    {
        await using var server = await TestServer.StartAsync(o => o.UploadUmask = "027");
        await using var ftp = await server.ConnectAsync();

        await DataHelpers.UploadAsync(ftp, "STOR new.txt", "x"u8.ToArray());
        await DataHelpers.UploadAsync(ftp, "APPE appended.txt", "x"u8.ToArray());
        await ftp.CommandAsync("MKD folder", 257);
        await DataHelpers.UploadAsync(ftp, "STOU", "x"u8.ToArray());

        Assert.Equal(Mode("640"), File.GetUnixFileMode(server.PathOf("new.txt")));
        Assert.Equal(Mode("640"), File.GetUnixFileMode(server.PathOf("appended.txt")));
        Assert.Equal(Mode("750"), File.GetUnixFileMode(server.PathOf("folder")));
        var unique = Directory.GetFiles(server.Root, "ferry-upload*").Single();
        Assert.Equal(Mode("640"), File.GetUnixFileMode(unique));
    }

    [Fact]
    public async Task A_users_own_umask_wins_and_an_existing_file_keeps_its_mode()
    {
        await using var server = await TestServer.StartAsync(o => o.UploadUmask = "000");
        var user = await server.Users.FindAsync(TestServer.UserName, CancellationToken.None);
        await server.Users.UpdateAsync(user! with { Umask = Convert.ToInt32("077", 8) }, CancellationToken.None);
        await File.WriteAllTextAsync(server.PathOf("kept.txt"), "old");
        File.SetUnixFileMode(server.PathOf("kept.txt"), Mode("664"));
        await using var ftp = await server.ConnectAsync();

        await DataHelpers.UploadAsync(ftp, "STOR private.txt", "x"u8.ToArray());
        await ftp.CommandAsync("MKD private", 257);
        await DataHelpers.UploadAsync(ftp, "STOR kept.txt", "new"u8.ToArray());

        Assert.Equal(Mode("600"), File.GetUnixFileMode(server.PathOf("private.txt")));
        Assert.Equal(Mode("700"), File.GetUnixFileMode(server.PathOf("private")));
        Assert.Equal(Mode("664"), File.GetUnixFileMode(server.PathOf("kept.txt")));
    }

    /// <summary>umask 000 gives 0666 files whatever the process umask (022 here) would have made of them.</summary>
    [Fact]
    public async Task The_process_umask_does_not_narrow_the_configured_mode()
    {
        await using var server = await TestServer.StartAsync(o => o.UploadUmask = "002");
        await using var ftp = await server.ConnectAsync();

        await DataHelpers.UploadAsync(ftp, "STOR shared.txt", "x"u8.ToArray());
        await ftp.CommandAsync("MKD shared", 257);

        Assert.Equal(Mode("664"), File.GetUnixFileMode(server.PathOf("shared.txt")));
        Assert.Equal(Mode("775"), File.GetUnixFileMode(server.PathOf("shared")));
    }

    [ChownFact]
    public async Task Uploads_and_new_folders_get_UploadOwner_and_UploadGroup()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.UploadOwner = "65534";
            o.UploadGroup = "65534";
        });
        await using var ftp = await server.ConnectAsync();

        await DataHelpers.UploadAsync(ftp, "STOR owned.txt", "x"u8.ToArray());
        await ftp.CommandAsync("MKD owned", 257);

        Assert.Equal((65534, 65534), Owner(server.PathOf("owned.txt")));
        Assert.Equal((65534, 65534), Owner(server.PathOf("owned")));
    }

    [Theory]
    [InlineData("8")]
    [InlineData("0777a")]
    [InlineData("")]
    [InlineData("1777")]
    public void A_bad_UploadUmask_is_refused_at_start_naming_the_key(string umask)
    {
        var errors = new FtpServerOptions { UploadUmask = umask }.Validate();
        Assert.Contains(errors, error => error.StartsWith("UploadUmask:", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_UploadOwner_or_UploadGroup_is_refused_at_start()
    {
        var errors = new FtpServerOptions { UploadOwner = "no-such-user-ferry", UploadGroup = "no-such-group-ferry" }.Validate();
        Assert.Contains(errors, error => error.StartsWith("UploadOwner:", StringComparison.Ordinal));
        Assert.Contains(errors, error => error.StartsWith("UploadGroup:", StringComparison.Ordinal));
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    /// <summary>The owner and group, from stat(1): .NET has no API for a file's uid and gid.</summary>
    private static (int Uid, int Gid) Owner(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u %g", path]) { RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        Assert.True(stat.WaitForExit(10_000));
        return (int.Parse(output[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(output[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
