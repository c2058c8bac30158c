using System.Runtime.InteropServices;
using System.Text;
using Ferry.Server.Tests.Robustness;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Security;

/// <summary>
/// Issue 11, finding 7: a hard link in a home to a file outside it (a local user's
/// `ln /outside/file ~alice/file`) is the same inode, so writing through it in place writes the
/// outside file. Every in-place change of a file with more than one link is refused unless
/// AllowHardLinkWrites is on; STOR is not in place any more (issue 13: a new inode renamed over
/// the name), so it replaces the name and leaves the outside file alone, setting or not.
/// </summary>
public sealed partial class HardLinkTests
{
    private const string Original = "the outside file, as it was";
    private const UnixFileMode OriginalMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private static readonly DateTime OriginalTime = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);

    [Fact]
    [VerbTest("STOR", "APPE", "REST", "SITE", "MFMT", "RETR")]
    public async Task Changes_through_a_hard_link_to_a_file_outside_are_refused_and_leave_it_untouched()
    {
        await using var server = await TestServer.StartAsync();
        var outside = await LinkOutsideFileAsync(server);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var replies = new List<FtpReplyText>
        {
            await DataHelpers.TryUploadAsync(ftp, "APPE linked.txt", "appended"),
        };
        await ftp.CommandAsync("REST 4", 350);
        replies.Add(await DataHelpers.TryUploadAsync(ftp, "STOR linked.txt", "resumed"));
        replies.Add(await ftp.SendAndReadAsync("SITE CHMOD 600 linked.txt"));
        replies.Add(await ftp.SendAndReadAsync("MFMT 20200101000000 linked.txt"));

        foreach (var reply in replies)
        {
            Assert.True(reply.Code == 550, $"a change through the hard link was not refused: {reply}");
            Assert.Contains("AllowHardLinkWrites", reply.Text, StringComparison.Ordinal);
        }

        AssertUntouched(outside);

        // Reading it is fine, and so are the name's own operations: rename and delete touch the link, not the inode.
        var (retr, data) = await DataHelpers.TryDownloadAsync(ftp, "RETR linked.txt");
        Assert.Equal(226, retr.Code);
        Assert.Equal(Original, Encoding.UTF8.GetString(data));
        await ftp.CommandAsync("RNFR linked.txt", 350);
        await ftp.CommandAsync("RNTO renamed.txt", 250);
        AssertUntouched(outside);

        // STOR gives the name a new inode: the name holds the upload, the outside file is as it was.
        Assert.Equal(226, (await DataHelpers.TryUploadAsync(ftp, "STOR renamed.txt", "overwritten")).Code);
        Assert.Equal("overwritten", await File.ReadAllTextAsync(server.PathOf("renamed.txt")));
        AssertUntouched(outside);
        await ftp.CommandAsync("DELE renamed.txt", 250);
        AssertUntouched(outside);

        // A file of its own (one link) is changed as always.
        await File.WriteAllTextAsync(server.PathOf("own.txt"), "own");
        Assert.Equal(226, (await DataHelpers.TryUploadAsync(ftp, "APPE own.txt", " and more")).Code);
        await ftp.CommandAsync("SITE CHMOD 600 own.txt", 200);
        Assert.Equal("own and more", await File.ReadAllTextAsync(server.PathOf("own.txt")));
    }

    [Fact]
    [VerbTest("STOR", "APPE", "SITE", "MFMT")]
    public async Task With_AllowHardLinkWrites_changes_go_through_the_link()
    {
        await using var server = await TestServer.StartAsync(options => options.AllowHardLinkWrites = true);
        var outside = await LinkOutsideFileAsync(server);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        Assert.Equal(226, (await DataHelpers.TryUploadAsync(ftp, "APPE linked.txt", " and appended")).Code);
        await ftp.CommandAsync("SITE CHMOD 600 linked.txt", 200);
        await ftp.CommandAsync("MFMT 20200101000000 linked.txt", 213);

        // The same inode: what the setting allows reaches the other name, as it would with vsftpd.
        Assert.Equal(Original + " and appended", await File.ReadAllTextAsync(outside));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(outside));
        Assert.Equal(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(outside));

        // STOR is never in place (issue 13): it replaces the name, and the outside file keeps what it had.
        Assert.Equal(226, (await DataHelpers.TryUploadAsync(ftp, "STOR linked.txt", "overwritten")).Code);
        Assert.Equal("overwritten", await File.ReadAllTextAsync(server.PathOf("linked.txt")));
        Assert.Equal(Original + " and appended", await File.ReadAllTextAsync(outside));
    }

    /// <summary>A file next to the home (outside it) and a hard link to it in the home, named linked.txt.</summary>
    private static async Task<string> LinkOutsideFileAsync(TestServer server)
    {
        var outside = Path.Combine(server.Folder, "outside.txt");
        await File.WriteAllTextAsync(outside, Original);
        File.SetUnixFileMode(outside, OriginalMode);
        File.SetLastWriteTimeUtc(outside, OriginalTime);
        if (Link(outside, server.PathOf("linked.txt")) != 0)
        {
            throw new IOException("link(2) failed: " + Marshal.GetLastPInvokeError());
        }

        return outside;
    }

    private static void AssertUntouched(string outside)
    {
        Assert.Equal(Original, File.ReadAllText(outside));
        Assert.Equal(OriginalMode, File.GetUnixFileMode(outside));
        Assert.Equal(OriginalTime, File.GetLastWriteTimeUtc(outside));
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newName);
}
