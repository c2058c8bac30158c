using System.Net.Sockets;
using System.Security.Cryptography;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>
/// Per-user quotas over the wire: an upload past the byte quota is stopped with 552 while it
/// runs (splice and copy loop, plain and TLS) and leaves nothing that counts; the file count is
/// refused at begin; overwrites, APPE and DELE keep the usage right; SITE QUOTA and AVBL say it.
/// </summary>
public sealed class QuotaTests
{
    private const int UploadMethodEvent = 6120;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [VerbTest("STOR")]
    public async Task An_upload_past_the_byte_quota_gets_552_mid_transfer_and_nothing_of_it_remains_or_counts(bool useSplice)
    {
        await using var server = await TestServer.StartAsync(o => o.UseSplice = useSplice, log: new RecordingLog());
        await SetQuotaAsync(server, bytes: 1024 * 1024);
        await using (var ftp = await server.ConnectAsync())
        {
            await ftp.CommandAsync("TYPE I", 200);
            var reply = await UploadPastQuotaAsync(ftp, "STOR big.bin", RandomNumberGenerator.GetBytes(4 * 1024 * 1024));

            Assert.Equal(552, reply.Code);
            Assert.False(File.Exists(server.PathOf("big.bin")), "the refused upload left a file");
            Assert.Contains(useSplice ? "splice" : "the copy loop", Assert.Single(server.Log.Messages(UploadMethodEvent)), StringComparison.Ordinal);
            Assert.Contains("bytes 0/1048576, files 0/unlimited", (await ftp.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);

            // The whole quota is still there: exactly 1 MiB fits.
            var fits = RandomNumberGenerator.GetBytes(1024 * 1024);
            await DataHelpers.UploadAsync(ftp, "STOR fits.bin", fits);
            Assert.Equal(fits, await File.ReadAllBytesAsync(server.PathOf("fits.bin")));
            Assert.Equal(552, (await UploadPastQuotaAsync(ftp, "STOR one-more.bin", [1])).Code);
        }

        // The next login still works, and sees the same usage.
        await using var again = await server.ConnectAsync();
        Assert.Contains("bytes 1048576/1048576, files 1/unlimited", (await again.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_protected_upload_past_the_quota_gets_552_and_leaves_nothing()
    {
        await using var server = await TestServer.StartAsync();
        await SetQuotaAsync(server, bytes: 512 * 1024);
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("AUTH TLS", 234);
        await ftp.StartTlsAsync();
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
        await ftp.CommandAsync("PBSZ 0", 200);
        await ftp.CommandAsync("PROT P", 200);
        await ftp.CommandAsync("TYPE I", 200);

        var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("STOR tls.bin", 150);
        await using (var network = new NetworkStream(data, ownsSocket: true))
        {
            try
            {
                await using var tls = await TlsClient.AuthenticateAsync(network);
                await tls.WriteAsync(RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
                await tls.ShutdownAsync();
            }
            catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException)
            {
                // The server closed the data connection at the quota.
            }
        }

        Assert.Equal(552, (await ftp.ReadReplyAsync()).Code);
        Assert.False(File.Exists(server.PathOf("tls.bin")));
        Assert.Contains("bytes 0/524288", (await ftp.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    [VerbTest("STOU")]
    public async Task The_file_count_quota_refuses_a_new_file_at_begin_and_still_lets_an_existing_one_be_replaced()
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllBytesAsync(server.PathOf("old.txt"), new byte[10]);
        await SetQuotaAsync(server, files: 2);
        await using var ftp = await server.ConnectAsync();

        await DataHelpers.UploadAsync(ftp, "STOR second.txt", new byte[5]);
        using (var data = await ftp.OpenPassiveAsync())
        {
            // Refused before the 150: no byte moves.
            await ftp.CommandAsync("STOR third.txt", 552);
        }

        await ftp.CommandAsync("EPSV", 229);
        await ftp.CommandAsync("STOU", 552);
        Assert.False(File.Exists(server.PathOf("third.txt")));
        await DataHelpers.UploadAsync(ftp, "STOR old.txt", new byte[20]);
        Assert.Contains("bytes 25/unlimited, files 2/2", (await ftp.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("DELE", "APPE", "RNTO")]
    public async Task Overwrite_counts_new_minus_old_APPE_the_added_bytes_and_DELE_and_RNTO_over_a_file_free_theirs()
    {
        await using var server = await TestServer.StartAsync();
        await SetQuotaAsync(server, bytes: 1000);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        await DataHelpers.UploadAsync(ftp, "STOR a.bin", new byte[600]);
        // 600 + 800 would pass 1000; an overwrite frees the old 600 as it commits.
        await DataHelpers.UploadAsync(ftp, "STOR a.bin", new byte[800]);
        Assert.Contains("bytes 800/1000, files 1/", (await ftp.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);

        await DataHelpers.UploadAsync(ftp, "APPE a.bin", new byte[150]);
        Assert.Contains("bytes 950/1000", (await ftp.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);
        Assert.Equal(552, (await UploadPastQuotaAsync(ftp, "APPE a.bin", new byte[100])).Code);

        // A resume from 900 replaces the last 50 bytes: 100 new bytes fit (900 + 100 = 1000).
        await ftp.CommandAsync("REST 900", 350);
        await DataHelpers.UploadAsync(ftp, "STOR a.bin", new byte[100]);
        Assert.Equal(1000, new FileInfo(server.PathOf("a.bin")).Length);
        Assert.Contains("bytes 1000/1000", (await ftp.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);

        await ftp.CommandAsync("DELE a.bin", 250);
        Assert.Contains("bytes 0/1000, files 0/", (await ftp.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);

        await DataHelpers.UploadAsync(ftp, "STOR b.bin", new byte[300]);
        await DataHelpers.UploadAsync(ftp, "STOR c.bin", new byte[200]);
        await ftp.CommandAsync("RNFR c.bin", 350);
        await ftp.CommandAsync("RNTO b.bin", 250);
        Assert.Contains("bytes 200/1000, files 1/", (await ftp.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_is_counted_at_the_first_login_and_shared_by_the_users_sessions()
    {
        await using var server = await TestServer.StartAsync(o => o.DefaultQuotaBytes = 10_000);
        Directory.CreateDirectory(server.PathOf("sub/deeper"));
        await File.WriteAllBytesAsync(server.PathOf("one.bin"), new byte[1000]);
        await File.WriteAllBytesAsync(server.PathOf("sub/deeper/two.bin"), new byte[2000]);
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        Assert.Contains("bytes 3000/10000, files 2/unlimited", (await first.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);

        await DataHelpers.UploadAsync(first, "STOR three.bin", new byte[4000]);
        Assert.Contains("bytes 7000/10000, files 3/", (await second.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);
        Assert.Equal(552, (await UploadPastQuotaAsync(second, "STOR four.bin", new byte[3001])).Code);
    }

    [Fact]
    [VerbTest("AVBL", "SITE")]
    public async Task AVBL_says_what_the_quota_leaves_and_550_for_a_missing_path_or_a_file()
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllBytesAsync(server.PathOf("f.bin"), new byte[100]);
        Directory.CreateDirectory(server.PathOf("dir"));
        await using (var unlimited = await server.ConnectAsync())
        {
            await unlimited.CommandAsync("SITE QUOTA", 200);
            var free = long.Parse((await unlimited.CommandAsync("AVBL", 213)).Text, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(new DriveInfo(server.Root).AvailableFreeSpace, free, (double)(1024 * 1024 * 1024));
        }

        await SetQuotaAsync(server, bytes: 1000);
        await using var ftp = await server.ConnectAsync();
        Assert.Equal("900", (await ftp.CommandAsync("AVBL", 213)).Text);
        Assert.Equal("900", (await ftp.CommandAsync("AVBL dir", 213)).Text);
        await ftp.CommandAsync("AVBL missing", 550);
        await ftp.CommandAsync("AVBL f.bin", 550);
        Assert.Contains("QUOTA", string.Join('\n', (await ftp.CommandAsync("SITE HELP", 214)).Lines), StringComparison.Ordinal);
    }

    private static async Task SetQuotaAsync(TestServer server, long? bytes = null, long? files = null)
    {
        var user = await server.Users.FindAsync(TestServer.UserName, CancellationToken.None);
        Assert.True(await server.Users.UpdateAsync(user! with { QuotaBytes = bytes, QuotaFiles = files }, CancellationToken.None));
    }

    /// <summary>EPSV, the command, then as much of <paramref name="content"/> as the server takes before it closes the data connection; the final reply.</summary>
    private static async Task<FtpReplyText> UploadPastQuotaAsync(WireClient ftp, string command, byte[] content)
    {
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync(command);
        await ftp.ExpectAsync(150);
        try
        {
            var sent = 0;
            while (sent < content.Length)
            {
                sent += await data.SendAsync(content.AsMemory(sent), SocketFlags.None);
            }

            data.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server closed the data connection at the quota.
        }

        var reply = await ftp.ReadReplyAsync();
        data.Close();
        return reply;
    }
}
