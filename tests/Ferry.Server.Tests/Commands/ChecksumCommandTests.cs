using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Ferry.Server.Security;
using Ferry.Server.Storage.Checksums;
using Ferry.Server.Tests.Support;

// MD5 and SHA-1 are what XMD5, XSHA1 and HASH's MD5/SHA-1 answer: the test checks the server against them, it protects nothing with them.
#pragma warning disable CA5350, CA5351

namespace Ferry.Server.Tests.Commands;

/// <summary>HASH and OPTS HASH (draft-bryan-ftpext-hash-02), XCRC/XMD5/XSHA1/XSHA256/XSHA512, and kept upload checksums.</summary>
public sealed partial class ChecksumCommandTests
{
    [Fact]
    [VerbTest("HASH")]
    public async Task Hash_answers_every_algorithm_as_an_independent_computation_does()
    {
        await using var server = await TestServer.StartAsync();
        var content = RandomNumberGenerator.GetBytes(300_000);
        await File.WriteAllBytesAsync(server.PathOf("data.bin"), content);
        await using var ftp = await server.ConnectAsync();

        // SHA-256 by default (draft §5: nothing weaker than SHA-1 is the default).
        var reply = await ftp.CommandAsync("HASH data.bin", 213);
        Assert.Equal($"SHA-256 0-300000 {Hex(SHA256.HashData(content))} data.bin", reply.Text);

        foreach (var (name, expected) in new[]
                 {
                     ("SHA-1", Hex(SHA1.HashData(content))),
                     ("SHA-512", Hex(SHA512.HashData(content))),
                     ("MD5", Hex(MD5.HashData(content))),
                     ("CRC32", Crc32(content).ToString("x8", CultureInfo.InvariantCulture)),
                 })
        {
            await ftp.CommandAsync("OPTS HASH " + name.ToLowerInvariant(), 200);
            Assert.Equal($"{name} 0-300000 {expected} data.bin", (await ftp.CommandAsync("HASH data.bin", 213)).Text);
        }

        // The path is echoed as sent; an empty file is 0-0.
        await File.WriteAllBytesAsync(server.PathOf("empty file"), []);
        await ftp.CommandAsync("OPTS HASH SHA-256", 200);
        Assert.Equal($"SHA-256 0-0 {Hex(SHA256.HashData([]))} /empty file", (await ftp.CommandAsync("HASH /empty file", 213)).Text);
    }

    [Fact]
    [VerbTest("OPTS", "FEAT")]
    public async Task Opts_hash_queries_and_selects_and_feat_stars_the_selected_algorithm()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        Assert.Contains(" HASH SHA-256*;SHA-1;SHA-512;MD5;CRC32", (await ftp.CommandAsync("FEAT", 211)).Lines);
        Assert.Equal("SHA-256", (await ftp.CommandAsync("OPTS HASH", 200)).Text);
        Assert.Equal("SHA-512", (await ftp.CommandAsync("OPTS HASH sha-512", 200)).Text);
        Assert.Equal("SHA-512", (await ftp.CommandAsync("OPTS HASH", 200)).Text);
        Assert.Contains(" HASH SHA-256;SHA-1;SHA-512*;MD5;CRC32", (await ftp.CommandAsync("FEAT", 211)).Lines);

        // draft §3.2: an unknown algorithm is 501 and the selection stays.
        await ftp.CommandAsync("OPTS HASH CRC-37", 501);
        Assert.Equal("SHA-512", (await ftp.CommandAsync("OPTS HASH", 200)).Text);

        // REIN starts the session over, SHA-256 included (draft §3.2).
        await ftp.CommandAsync("REIN", 220);
        Assert.Equal("SHA-256", (await ftp.CommandAsync("OPTS HASH", 200)).Text);
    }

    [Fact]
    [VerbTest("HASH")]
    public async Task Hash_refuses_a_missing_file_a_directory_and_a_file_over_the_size_limit_as_the_draft_says()
    {
        await using var server = await TestServer.StartAsync(options => options.MaxHashFileSize = 1000);
        await File.WriteAllBytesAsync(server.PathOf("small.bin"), new byte[1000]);
        await File.WriteAllBytesAsync(server.PathOf("large.bin"), new byte[1001]);
        Directory.CreateDirectory(server.PathOf("folder"));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("HASH small.bin", 213);
        await ftp.CommandAsync("HASH missing.bin", 550);
        await ftp.CommandAsync("HASH folder", 553);
        Assert.Contains("MaxHashFileSize", (await ftp.CommandAsync("HASH large.bin", 556)).Text, StringComparison.Ordinal);
        await ftp.CommandAsync("XSHA256 large.bin", 550);
        await ftp.CommandAsync("HASH", 501);

        // Read permission is needed, as for RETR.
        var home = await server.AddUserAsync("lister", "lister password 123", UserPermissions.List);
        await File.WriteAllBytesAsync(Path.Combine(home, "small.bin"), new byte[10]);
        await using var listOnly = await server.ConnectAsync(login: false);
        await listOnly.LoginAsync("lister", "lister password 123");
        await listOnly.CommandAsync("HASH small.bin", 550);
        await listOnly.CommandAsync("XMD5 small.bin", 550);
    }

    [Fact]
    [VerbTest("XCRC", "XMD5", "XSHA1", "XSHA256", "XSHA512")]
    public async Task X_commands_answer_250_with_upper_case_hex_for_the_file_or_a_range()
    {
        await using var server = await TestServer.StartAsync();
        var content = RandomNumberGenerator.GetBytes(70_000);
        await File.WriteAllBytesAsync(server.PathOf("my file.bin"), content);
        await File.WriteAllBytesAsync(server.PathOf("plain.bin"), content);
        Directory.CreateDirectory(server.PathOf("folder"));
        await using var ftp = await server.ConnectAsync();

        Assert.Equal(Crc32(content).ToString("X8", CultureInfo.InvariantCulture), (await ftp.CommandAsync("XCRC \"my file.bin\"", 250)).Text);
        Assert.Equal(Hex(MD5.HashData(content)).ToUpperInvariant(), (await ftp.CommandAsync("XMD5 my file.bin", 250)).Text);
        Assert.Equal(Hex(SHA1.HashData(content)).ToUpperInvariant(), (await ftp.CommandAsync("XSHA1 plain.bin", 250)).Text);
        Assert.Equal(Hex(SHA256.HashData(content)).ToUpperInvariant(), (await ftp.CommandAsync("XSHA256 /plain.bin", 250)).Text);
        Assert.Equal(Hex(SHA512.HashData(content)).ToUpperInvariant(), (await ftp.CommandAsync("XSHA512 plain.bin", 250)).Text);

        // A range: start inclusive, end exclusive (ProFTPD mod_digest), quoted or not.
        var part = content.AsSpan(100, 4900).ToArray();
        Assert.Equal(Hex(MD5.HashData(part)).ToUpperInvariant(), (await ftp.CommandAsync("XMD5 plain.bin 100 5000", 250)).Text);
        Assert.Equal(Crc32(part).ToString("X8", CultureInfo.InvariantCulture), (await ftp.CommandAsync("XCRC \"my file.bin\" 100 5000", 250)).Text);
        await ftp.CommandAsync("XSHA1 plain.bin 5000 100", 501);
        await ftp.CommandAsync("XSHA1 plain.bin 0 70001", 501);
        await ftp.CommandAsync("XSHA1 \"plain.bin", 501);

        await ftp.CommandAsync("XSHA256 missing.bin", 550);
        await ftp.CommandAsync("XSHA512 folder", 550);
        await ftp.CommandAsync("XCRC", 501);
    }

    [Fact]
    [VerbTest("HASH", "XSHA256", "STOR", "MFMT")]
    public async Task An_upload_s_sha256_is_kept_logged_and_answered_from_the_kept_value_until_the_file_changes()
    {
        var log = new RecordingLog();
        await using var server = await TestServer.StartAsync(log: log);
        var content = RandomNumberGenerator.GetBytes(1024 * 1024);
        var sha256 = Hex(SHA256.HashData(content));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR up.bin", content);

        // HASH right after the 226 waits for the read-back and is answered from the kept value.
        Assert.Equal($"SHA-256 0-{content.Length} {sha256} up.bin", (await ftp.CommandAsync("HASH up.bin", 213)).Text);
        Assert.Single(log.Messages(5550));
        Assert.Contains(log.Messages(5552), message => message.Contains(sha256, StringComparison.Ordinal) && message.Contains("/up.bin", StringComparison.Ordinal));
        Assert.Empty(log.Messages(5551));

        // MFMT, which lftp, WinSCP and FileZilla send after an upload, changes no byte: the kept value stays.
        await ftp.CommandAsync("MFMT 20200102030405 up.bin", 213);
        Assert.Equal($"SHA-256 0-{content.Length} {sha256} up.bin", (await ftp.CommandAsync("HASH up.bin", 213)).Text);
        Assert.Equal(2, log.Messages(5550).Count);

        // Proof that the kept value is what answers: a marker put in its place comes back.
        var kept = GetAttribute(server.PathOf("up.bin"), "user.ferry.sha256");
        Assert.EndsWith(" " + sha256, kept, StringComparison.Ordinal);
        var marker = new string('a', 64);
        SetAttribute(server.PathOf("up.bin"), "user.ferry.sha256", kept[..^64] + marker);
        Assert.Equal($"SHA-256 0-{content.Length} {marker} up.bin", (await ftp.CommandAsync("HASH up.bin", 213)).Text);
        Assert.Equal(marker.ToUpperInvariant(), (await ftp.CommandAsync("XSHA256 up.bin", 250)).Text);

        // A change in place (same size, new mtime) drops it: the file is read again.
        await using (var file = new FileStream(server.PathOf("up.bin"), FileMode.Open, FileAccess.Write))
        {
            file.WriteByte((byte)(content[0] ^ 0xFF));
        }

        content[0] ^= 0xFF;
        Assert.Equal($"SHA-256 0-{content.Length} {Hex(SHA256.HashData(content))} up.bin", (await ftp.CommandAsync("HASH up.bin", 213)).Text);
        Assert.Single(log.Messages(5551));

        // Other algorithms were never kept: computed.
        await ftp.CommandAsync("OPTS HASH MD5", 200);
        Assert.Equal($"MD5 0-{content.Length} {Hex(MD5.HashData(content))} up.bin", (await ftp.CommandAsync("HASH up.bin", 213)).Text);
    }

    [Fact]
    [VerbTest("APPE")]
    public async Task An_append_keeps_the_whole_file_s_sha256_and_upload_checksum_off_keeps_none()
    {
        await using (var server = await TestServer.StartAsync(options => options.UploadChecksumMinSize = 0))
        {
            await File.WriteAllBytesAsync(server.PathOf("log.txt"), "first\n"u8.ToArray());
            await using var ftp = await server.ConnectAsync();
            await ftp.CommandAsync("TYPE I", 200);
            await DataHelpers.UploadAsync(ftp, "APPE log.txt", "second\n"u8.ToArray());
            await ftp.CommandAsync("PWD", 257); // NOOP would not wait: it is answered during a transfer, and the read-back is part of it.
            Assert.EndsWith(" " + Hex(SHA256.HashData("first\nsecond\n"u8)), GetAttribute(server.PathOf("log.txt"), "user.ferry.sha256"), StringComparison.Ordinal);
        }

        await using (var server = await TestServer.StartAsync(options => options.UploadChecksum = UploadChecksumMode.Off))
        {
            await using var ftp = await server.ConnectAsync();
            await ftp.CommandAsync("TYPE I", 200);
            await DataHelpers.UploadAsync(ftp, "STOR off.bin", new byte[1000]);
            await ftp.CommandAsync("PWD", 257); // NOOP would not wait: it is answered during a transfer, and the read-back is part of it.
            Assert.Null(TryGetAttribute(server.PathOf("off.bin"), "user.ferry.sha256"));
            Assert.Equal($"SHA-256 0-1000 {Hex(SHA256.HashData(new byte[1000]))} off.bin", (await ftp.CommandAsync("HASH off.bin", 213)).Text);
        }
    }

    /// <summary>Below UploadChecksumMinSize nothing is read back or kept (HASH computes it on demand); at it, the checksum is kept.</summary>
    [Fact]
    [VerbTest("HASH", "STOR")]
    public async Task Uploads_below_the_minimum_size_keep_no_checksum_and_hash_computes_it()
    {
        await using var server = await TestServer.StartAsync(options => options.UploadChecksumMinSize = 4096);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var small = RandomNumberGenerator.GetBytes(4095);
        var large = RandomNumberGenerator.GetBytes(4096);
        await DataHelpers.UploadAsync(ftp, "STOR small.bin", small);
        await DataHelpers.UploadAsync(ftp, "STOR large.bin", large);
        await ftp.CommandAsync("PWD", 257); // waits for the last upload's read-back, which is part of its transfer

        Assert.Null(TryGetAttribute(server.PathOf("small.bin"), "user.ferry.sha256"));
        Assert.EndsWith(" " + Hex(SHA256.HashData(large)), GetAttribute(server.PathOf("large.bin"), "user.ferry.sha256"), StringComparison.Ordinal);
        Assert.Equal($"SHA-256 0-4095 {Hex(SHA256.HashData(small))} small.bin", (await ftp.CommandAsync("HASH small.bin", 213)).Text);
    }

    [Fact]
    public void Crc32_of_the_check_string_is_the_published_value()
    {
        // The CRC-32 check value (IEEE 802.3, as zlib): cbf43926 for "123456789".
        Assert.Equal(0xCBF43926u, Crc32("123456789"u8.ToArray()));
        Assert.True(ChecksumAlgorithms.TryParse("crc32", out var crc) && crc == ChecksumAlgorithm.Crc32);
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>A bitwise CRC-32 written here, so the server's (System.IO.Hashing) is checked against another implementation.</summary>
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static string GetAttribute(string path, string name) =>
        TryGetAttribute(path, name) ?? throw new InvalidOperationException($"{path} has no {name}.");

    private static string? TryGetAttribute(string path, string name)
    {
        var buffer = new byte[512];
        var length = GetXattr(path, name, buffer, (nuint)buffer.Length);
        return length < 0 ? null : Encoding.ASCII.GetString(buffer, 0, (int)length);
    }

    private static void SetAttribute(string path, string name, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        Assert.Equal(0, SetXattr(path, name, bytes, (nuint)bytes.Length, 0));
    }

    [LibraryImport("libc", EntryPoint = "getxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetXattr(string path, string name, byte[] value, nuint size);

    [LibraryImport("libc", EntryPoint = "setxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetXattr(string path, string name, byte[] value, nuint size, int flags);
}
