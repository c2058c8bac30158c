using Ferry.Server.Protocol;
using Ferry.Server.Security;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Security;

/// <summary>
/// The permission is checked in the handlers, where the path is known; this proves none forgot:
/// every verb whose table row names a permission (and STAT and SITE CHMOD, which check one for
/// their path form) is refused inside a folder whose rule grants nothing, even to an account with
/// every permission, and changes nothing there.
/// </summary>
public sealed class PermissionGateCoverageTests
{
    /// <summary>A command line aimed into /locked per verb; a verb added to the table with a permission must be added here.</summary>
    private static readonly Dictionary<string, string[]> Attempts = new(StringComparer.Ordinal)
    {
        ["RETR"] = ["RETR /locked/file.txt"],
        ["STOR"] = ["STOR /locked/new.txt"],
        ["STOU"] = ["STOU /locked/new.txt"],
        ["APPE"] = ["APPE /locked/file.txt"],
        ["RNFR"] = ["RNFR /locked/file.txt"],
        ["RNTO"] = ["RNFR /free.txt", "RNTO /locked/moved.txt"],
        ["DELE"] = ["DELE /locked/file.txt"],
        ["RMD"] = ["RMD /locked/dir"],
        ["XRMD"] = ["XRMD /locked/dir"],
        ["MKD"] = ["MKD /locked/made"],
        ["XMKD"] = ["XMKD /locked/made"],
        ["LIST"] = ["LIST /locked"],
        ["NLST"] = ["NLST /locked"],
        ["SIZE"] = ["SIZE /locked/file.txt"],
        ["MDTM"] = ["MDTM /locked/file.txt"],
        ["MFMT"] = ["MFMT 20000101000000 /locked/file.txt"],
        ["MLST"] = ["MLST /locked/file.txt"],
        ["MLSD"] = ["MLSD /locked"],
        ["AVBL"] = ["AVBL /locked"],
        ["STAT"] = ["STAT /locked"],
        ["SITE"] = ["SITE CHMOD 600 /locked/file.txt"],
        ["HASH"] = ["HASH /locked/file.txt"],
        ["XCRC"] = ["XCRC /locked/file.txt"],
        ["XMD5"] = ["XMD5 /locked/file.txt"],
        ["XSHA1"] = ["XSHA1 /locked/file.txt"],
        ["XSHA256"] = ["XSHA256 /locked/file.txt"],
        ["XSHA512"] = ["XSHA512 /locked/file.txt"],
    };

    [Fact]
    public void Every_verb_with_a_permission_has_an_attempt()
    {
        var gated = CommandTable.All.Where(spec => spec.Permission != UserPermissions.None).Select(spec => spec.Verb);
        Assert.Empty(gated.Except(Attempts.Keys));
    }

    [Fact]
    public async Task Every_gated_verb_is_refused_where_a_rule_grants_nothing()
    {
        await using var server = await TestServer.StartAsync(o => o.DirectoryPermissions.Add(DirectoryPermissionTests.Rule("/locked", "none")));
        DataHelpers.WriteFile(server, "locked/file.txt", "locked");
        Directory.CreateDirectory(server.PathOf("locked/dir"));
        var before = File.GetLastWriteTimeUtc(server.PathOf("locked/file.txt"));
        await using var ftp = await server.ConnectAsync();
        foreach (var (verb, lines) in Attempts)
        {
            DataHelpers.WriteFile(server, "free.txt", "free");
            await ftp.CommandAsync("EPSV", 229);
            foreach (var line in lines[..^1])
            {
                await ftp.SendAsync(line);
                await ftp.ReadReplyAsync();
            }

            var reply = await ftp.CommandAsync(lines[^1], 550);
            Assert.True(reply.Text.StartsWith("Permission denied: ", StringComparison.Ordinal) && reply.Text.EndsWith(" /locked.", StringComparison.Ordinal), $"{verb}: {reply}");
        }

        // The session is still usable, and /locked is as it was.
        await ftp.CommandAsync("NOOP", 200);
        Assert.Equal(["dir", "file.txt"], Directory.GetFileSystemEntries(server.PathOf("locked")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("locked", File.ReadAllText(server.PathOf("locked/file.txt")));
        Assert.Equal(before, File.GetLastWriteTimeUtc(server.PathOf("locked/file.txt")));
    }
}
