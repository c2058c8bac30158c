using System.Text;
using Ferry.Server.Security;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>
/// Server:DirectoryPermissions over the wire: a rule replaces the user's permissions in its folder
/// and below, the deepest rule wins, a rule naming the user beats one for everyone, and a denial
/// names the folder whose rule decided.
/// </summary>
public sealed class DirectoryPermissionTests
{
    private const string Bob = "bob";
    private const string BobPassword = "bob's password";

    [Fact]
    [VerbTest("STOR", "RETR", "LIST")]
    public async Task A_read_only_user_uploads_into_the_writable_folder_only()
    {
        await using var server = await TestServer.StartAsync(o => o.DirectoryPermissions.Add(Rule("/incoming", "list,write")));
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.ReadOnly);
        Directory.CreateDirectory(Path.Combine(home, "incoming"));
        File.WriteAllText(Path.Combine(home, "readme.txt"), "read me");
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);
        await ftp.CommandAsync("TYPE I", 200);

        await DataHelpers.UploadAsync(ftp, "STOR /incoming/report.csv", Encoding.UTF8.GetBytes("a,b"));
        Assert.Equal("a,b", File.ReadAllText(Path.Combine(home, "incoming", "report.csv")));
        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal("Permission denied: this account may not upload files.", (await ftp.CommandAsync("STOR /outside.csv", 550)).Text);
        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal("Permission denied: existing files may not be overwritten or changed in /incoming.", (await ftp.CommandAsync("STOR /incoming/report.csv", 550)).Text);
        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal("Permission denied: downloads are not allowed in /incoming.", (await ftp.CommandAsync("RETR /incoming/report.csv", 550)).Text);

        // The rule's own listing right, and the account's read right outside it.
        Assert.Equal(["report.csv"], await DataHelpers.ListLinesAsync(ftp, "NLST /incoming"));
        Assert.Equal("read me", await DataHelpers.DownloadTextAsync(ftp, "RETR readme.txt"));
        Assert.False(File.Exists(Path.Combine(home, "outside.csv")));
    }

    [Fact]
    [VerbTest("STOR", "LIST", "DELE")]
    public async Task The_deepest_rule_wins()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.DirectoryPermissions.Add(Rule("/pub", "list,read"));
            o.DirectoryPermissions.Add(Rule("/pub/drop", "write"));
        });
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.All);
        Directory.CreateDirectory(Path.Combine(home, "pub", "drop", "deeper"));
        File.WriteAllText(Path.Combine(home, "pub", "file.txt"), "pub");
        File.WriteAllText(Path.Combine(home, "mine.txt"), "mine");
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);
        await ftp.CommandAsync("TYPE I", 200);

        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal("Permission denied: uploads are not allowed in /pub.", (await ftp.CommandAsync("STOR /pub/x.txt", 550)).Text);
        Assert.Equal("Permission denied: deleting is not allowed in /pub.", (await ftp.CommandAsync("DELE /pub/file.txt", 550)).Text);
        await DataHelpers.UploadAsync(ftp, "STOR /pub/drop/x.txt", Encoding.UTF8.GetBytes("x"));
        await DataHelpers.UploadAsync(ftp, "STOR /pub/drop/deeper/y.txt", Encoding.UTF8.GetBytes("y"));
        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal("Permission denied: listing is not allowed in /pub/drop.", (await ftp.CommandAsync("LIST /pub/drop", 550)).Text);
        Assert.Contains("drop", string.Join('\n', await DataHelpers.ListLinesAsync(ftp, "LIST /pub")), StringComparison.Ordinal);

        // Outside every rule the account's own permissions hold.
        await ftp.CommandAsync("DELE /mine.txt", 250);
        Assert.True(File.Exists(Path.Combine(home, "pub", "drop", "deeper", "y.txt")));
        Assert.True(File.Exists(Path.Combine(home, "pub", "file.txt")));
    }

    [Fact]
    [VerbTest("STOR")]
    public async Task A_rule_naming_the_user_beats_one_for_everyone()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.DirectoryPermissions.Add(Rule("/shared", "list,read"));
            o.DirectoryPermissions.Add(Rule("/shared", "all", Bob));
        });
        var bobHome = await server.AddUserAsync(Bob, BobPassword, UserPermissions.ReadOnly);
        Directory.CreateDirectory(Path.Combine(bobHome, "shared"));
        Directory.CreateDirectory(server.PathOf("shared"));

        await using var bob = await server.ConnectAsync(login: false);
        await bob.LoginAsync(Bob, BobPassword);
        await DataHelpers.UploadAsync(bob, "STOR /shared/b.txt", Encoding.UTF8.GetBytes("b"));

        await using var alice = await server.ConnectAsync();
        await alice.CommandAsync("EPSV", 229);
        Assert.Equal("Permission denied: uploads are not allowed in /shared.", (await alice.CommandAsync("STOR /shared/a.txt", 550)).Text);
        await DataHelpers.UploadAsync(alice, "STOR /elsewhere.txt", Encoding.UTF8.GetBytes("a"));
    }

    [Fact]
    [VerbTest("RNFR", "RNTO")]
    public async Task Rename_needs_the_permission_in_both_folders_and_never_moves_a_ruled_folder()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.DirectoryPermissions.Add(Rule("/ro", "list,read"));
            o.DirectoryPermissions.Add(Rule("/tree/ruled", "list,read"));
        });
        DataHelpers.WriteFile(server, "ro/kept.txt", "kept");
        DataHelpers.WriteFile(server, "mine.txt", "mine");
        DataHelpers.WriteFile(server, "tree/ruled/inner.txt", "inner");
        await using var ftp = await server.ConnectAsync();

        // Out of a read-only folder would be deleting there; into one would be writing there.
        Assert.Equal("Permission denied: renaming is not allowed in /ro.", (await ftp.CommandAsync("RNFR /ro/kept.txt", 550)).Text);
        await ftp.CommandAsync("RNTO /kept.txt", 503);
        await ftp.CommandAsync("RNFR /mine.txt", 350);
        Assert.Equal("Permission denied: renaming is not allowed in /ro.", (await ftp.CommandAsync("RNTO /ro/mine.txt", 550)).Text);

        // A folder that is, or holds, a rule's folder would take its contents out from under the rule.
        Assert.Equal("Permission denied: /ro has its own permission rule, so /ro cannot be renamed.", (await ftp.CommandAsync("RNFR /ro", 550)).Text);
        Assert.Equal("Permission denied: /tree/ruled has its own permission rule, so /tree cannot be renamed.", (await ftp.CommandAsync("RNFR /tree", 550)).Text);
        await ftp.CommandAsync("MKD /other", 257);
        await ftp.CommandAsync("RNFR /other", 350);
        Assert.Equal("Permission denied: /tree/ruled has its own permission rule, so /tree cannot be renamed.", (await ftp.CommandAsync("RNTO /tree", 550)).Text);

        // Between folders the account governs, renames work.
        await ftp.CommandAsync("RNFR /mine.txt", 350);
        await ftp.CommandAsync("RNTO /tree/mine.txt", 250);
        Assert.Equal("kept", File.ReadAllText(server.PathOf("ro/kept.txt")));
        Assert.Equal("inner", File.ReadAllText(server.PathOf("tree/ruled/inner.txt")));
        Assert.True(File.Exists(server.PathOf("tree/mine.txt")));
    }

    [Fact]
    [VerbTest("MKD", "RMD", "XMKD", "XRMD")]
    public async Task Mkd_and_rmd_need_the_permission_of_the_parent_folder()
    {
        await using var server = await TestServer.StartAsync(o => o.DirectoryPermissions.Add(Rule("/in", "list,write,mkdir,delete")));
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.ReadOnly);
        Directory.CreateDirectory(Path.Combine(home, "in"));
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);

        await ftp.CommandAsync("MKD /in/sub", 257);
        await ftp.CommandAsync("XMKD /in/sub/deeper", 257);
        await ftp.CommandAsync("XRMD /in/sub/deeper", 250);
        await ftp.CommandAsync("RMD /in/sub", 250);

        // The rule's folder itself belongs to its parent, where this account is read-only.
        Assert.Equal("Permission denied: this account may not delete.", (await ftp.CommandAsync("RMD /in", 550)).Text);
        Assert.Equal("Permission denied: this account may not create directories.", (await ftp.CommandAsync("MKD /new", 550)).Text);
        Assert.True(Directory.Exists(Path.Combine(home, "in")));
        Assert.False(Directory.Exists(Path.Combine(home, "new")));
    }

    [Fact]
    [VerbTest("MLSD", "MLST")]
    public async Task The_perm_fact_shows_what_each_folder_allows()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.DirectoryPermissions.Add(Rule("/drop", "write"));
            o.DirectoryPermissions.Add(Rule("/pub", "list,read"));
        });
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.All);
        Directory.CreateDirectory(Path.Combine(home, "drop"));
        Directory.CreateDirectory(Path.Combine(home, "pub"));
        File.WriteAllText(Path.Combine(home, "pub", "file.txt"), "x");
        File.WriteAllText(Path.Combine(home, "mine.txt"), "x");
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);
        await ftp.CommandAsync("OPTS MLST type;perm;", 200);

        var root = await DataHelpers.ListLinesAsync(ftp, "MLSD /");

        // RFC 3659 §7.5.5: in /drop files may be created (c) and it may be entered (e); deleting or
        // renaming /drop itself is the root's business, where the account has every right (d, f).
        Assert.Contains("type=dir;perm=cdef; drop", root);
        Assert.Contains("type=dir;perm=defl; pub", root);
        Assert.Contains("type=file;perm=adfrw; mine.txt", root);
        Assert.Equal(["type=file;perm=r; file.txt"], await DataHelpers.ListLinesAsync(ftp, "MLSD /pub"));
        Assert.Contains(" type=file;perm=r; /pub/file.txt", (await ftp.CommandAsync("MLST /pub/file.txt", 250)).Lines);
    }

    [Fact]
    [VerbTest("STOR", "LIST", "RETR")]
    public async Task Anonymous_stays_read_only_and_is_matched_only_by_name()
    {
        var anonymousRoot = Path.Combine(Path.GetTempPath(), "ferry-anon-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(anonymousRoot, "pub"));
        Directory.CreateDirectory(Path.Combine(anonymousRoot, "private"));
        File.WriteAllText(Path.Combine(anonymousRoot, "pub", "file.txt"), "public");
        try
        {
            await using var server = await TestServer.StartAsync(o =>
            {
                o.AllowAnonymous = true;
                o.AnonymousRoot = anonymousRoot;
                o.DirectoryPermissions.Add(Rule("/pub", "all"));
                o.DirectoryPermissions.Add(Rule("/private", "none", "anonymous"));
            });
            await using var ftp = await server.ConnectAsync(login: false);
            await ftp.CommandAsync("USER anonymous", 331);
            await ftp.CommandAsync("PASS guest@example.com", 230);

            // A rule for everyone is for the user store's users; anonymous never gets more than list and read.
            await ftp.CommandAsync("EPSV", 229);
            await ftp.CommandAsync("STOR /pub/up.txt", 550);
            Assert.Equal("public", await DataHelpers.DownloadTextAsync(ftp, "RETR /pub/file.txt"));
            await ftp.CommandAsync("EPSV", 229);
            Assert.Equal("Permission denied: listing is not allowed in /private.", (await ftp.CommandAsync("LIST /private", 550)).Text);
            Assert.False(File.Exists(Path.Combine(anonymousRoot, "pub", "up.txt")));
        }
        finally
        {
            Directory.Delete(anonymousRoot, recursive: true);
        }
    }

    [Fact]
    public void A_rule_that_would_give_anonymous_write_access_stops_the_start()
    {
        var options = new FtpServerOptions();
        options.DirectoryPermissions.Add(Rule("/incoming", "list,write", "ftp"));
        Assert.Contains(options.Validate(), e => e.StartsWith("DirectoryPermissions:0:Permissions:", StringComparison.Ordinal) && e.Contains("anonymous", StringComparison.Ordinal));
    }

    internal static DirectoryPermissionRule Rule(string path, string permissions, params string[] users) =>
        new() { Path = path, Permissions = permissions, Users = [.. users] };
}
