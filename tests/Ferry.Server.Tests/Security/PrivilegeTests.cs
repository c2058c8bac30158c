using System.Net.Sockets;
using System.Text;
using Ferry.Server.Tests.Robustness;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Security;

/// <summary>Privileges that must not be handed out: setuid bits, write access for anonymous users, anonymous access when it is off.</summary>
public sealed class PrivilegeTests
{
    [Theory]
    [InlineData("4755")]
    [InlineData("2755")]
    [InlineData("1777")]
    [InlineData("7777")]
    [InlineData("0o755")]
    [InlineData("-1")]
    [InlineData("99999")]
    [VerbTest("SITE")]
    public async Task Site_chmod_refuses_setuid_setgid_sticky_and_junk_modes(string mode)
    {
        await using var server = await TestServer.StartAsync();
        var file = server.PathOf("tool.sh");
        await File.WriteAllTextAsync(file, "#!/bin/sh\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var ftp = await server.ConnectAsync();

        var reply = await ftp.SendAndReadAsync($"SITE CHMOD {mode} tool.sh");
        Assert.True(reply.Code is >= 500 and < 600, $"SITE CHMOD {mode}: {reply}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        // The plain case works, so the refusal is about the mode.
        await ftp.CommandAsync("SITE CHMOD 755 tool.sh", 200);
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(file));
    }

    [Theory]
    [InlineData("1099511627776")]
    [InlineData("9223372036854775807")]
    [InlineData("11")]
    [VerbTest("REST", "STOR")]
    public async Task Rest_beyond_the_end_cannot_grow_a_huge_sparse_file(string offset)
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllTextAsync(server.PathOf("small.txt"), "ten bytes!");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        foreach (var name in new[] { "small.txt", "missing.bin" })
        {
            using var data = await ftp.OpenPassiveAsync();
            await ftp.CommandAsync("REST " + offset, 350);
            var reply = await ftp.SendAndReadAsync("STOR " + name);
            if (reply.Code == 150)
            {
                await data.SendAsync("x"u8.ToArray(), SocketFlags.None);
                data.Shutdown(SocketShutdown.Send);
                await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
                reply = await ftp.ReadReplyAsync();
            }

            Assert.True(reply.Code is >= 500 and < 600, $"REST {offset} + STOR {name}: {reply}");
        }

        Assert.Equal(10, new FileInfo(server.PathOf("small.txt")).Length);
        Assert.False(File.Exists(server.PathOf("missing.bin")) && new FileInfo(server.PathOf("missing.bin")).Length > 0,
            "REST + STOR created a file extended to the offset");
    }

    [Fact]
    [VerbTest("REIN")]
    public async Task Rein_logs_out()
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllTextAsync(server.PathOf("file.txt"), "payload");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("CWD /", 250);
        await ftp.CommandAsync("REIN", 220);
        await ftp.CommandAsync("PWD", 530);
        await ftp.CommandAsync("SIZE file.txt", 530);
        await ftp.CommandAsync("EPSV", 530);
        await ftp.CommandAsync("PASS " + TestServer.Password, 503);
    }

    [Fact]
    [VerbTest("USER", "PASS")]
    public async Task Anonymous_is_refused_when_not_enabled()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        foreach (var name in new[] { "anonymous", "ftp", "ANONYMOUS" })
        {
            await ftp.CommandAsync("USER " + name, 331);
            await ftp.CommandAsync("PASS guest@example.com", 530);
            await ftp.CommandAsync("PWD", 530);
        }
    }

    [Fact]
    [VerbTest("STOR", "DELE", "MKD", "RNFR", "RETR")]
    public async Task Anonymous_users_read_their_root_only_and_change_nothing()
    {
        var anonymousRoot = Path.Combine(Path.GetTempPath(), "ferry-anon-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(anonymousRoot, "pub"));
        await File.WriteAllTextAsync(Path.Combine(anonymousRoot, "pub", "readme.txt"), "public");
        try
        {
            await using var server = await TestServer.StartAsync(o =>
            {
                o.AllowAnonymous = true;
                o.AnonymousRoot = Path.Combine(anonymousRoot, "pub");
            });
            await File.WriteAllTextAsync(Path.Combine(anonymousRoot, "private.txt"), "not for anonymous");
            await using var ftp = await server.ConnectAsync(login: false);
            await ftp.CommandAsync("USER anonymous", 331);
            await ftp.CommandAsync("PASS guest@example.com", 230);
            await ftp.CommandAsync("TYPE I", 200);

            using (var data = await ftp.OpenPassiveAsync())
            {
                await ftp.CommandAsync("RETR readme.txt", 150);
                var (content, _) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
                Assert.Equal("public", Encoding.UTF8.GetString(content));
                await ftp.ExpectAsync(226);
            }

            using (var data = await ftp.OpenPassiveAsync())
            {
                var retr = await ftp.SendAndReadAsync("RETR ../private.txt");
                Assert.Equal(550, retr.Code);
                var (stolen, _) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
                Assert.Empty(stolen);
                Assert.DoesNotContain(anonymousRoot, retr.ToString(), StringComparison.Ordinal);
            }

            // alice's files are not reachable either.
            await ftp.CommandAsync("SIZE " + server.Root + "/x", 550);
            foreach (var line in new[] { "STOR upload.txt", "APPE readme.txt", "STOU" })
            {
                using var data = await ftp.OpenPassiveAsync();
                var reply = await ftp.SendAndReadAsync(line);
                Assert.True(reply.Code == 550, $"anonymous {line}: {reply}");
                try
                {
                    await data.SendAsync("overwrite"u8.ToArray(), SocketFlags.None);
                }
                catch (SocketException)
                {
                }
            }

            await ftp.CommandAsync("DELE readme.txt", 550);
            await ftp.CommandAsync("MKD incoming", 550);
            await ftp.CommandAsync("RNFR readme.txt", 550);
            await ftp.CommandAsync("SITE CHMOD 777 readme.txt", 550);
            await ftp.CommandAsync("MFMT 20000101000000 readme.txt", 550);

            Assert.Equal("public", await File.ReadAllTextAsync(Path.Combine(anonymousRoot, "pub", "readme.txt")));
            Assert.Equal(["readme.txt"], Directory.GetFileSystemEntries(Path.Combine(anonymousRoot, "pub")).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(anonymousRoot, recursive: true);
        }
    }
}
