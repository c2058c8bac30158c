using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;
using Ferry.Storage.S3;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>
/// What the S3 backend promises beyond the storage contract (issue 16), over the wire against a
/// real engine, each test with a bucket and a server of its own: an interrupted STOR leaves no
/// object and no unfinished multipart upload; multipart uploads and ranged downloads are byte
/// exact across part boundaries; listings page past ListObjectsV2's 1,000 keys; folder renames
/// stop at MaxRenameObjects; refusals by the store read clearly. Parts are the smallest S3 allows
/// (5 MiB), so each crossing costs megabytes, not hundreds.
/// </summary>
public abstract class S3BackendTests(S3Engine engine)
{
    private const int PartSize = 5 << 20;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    /// <summary>
    /// RFC 959 §4.1.3: ABOR mid-STOR is 426 then 226. Past the first part the upload is a
    /// multipart upload on the store (seen in ListMultipartUploads before the ABOR, so the test
    /// exercises the abort, not a PUT never sent); after it, no object and no unfinished upload.
    /// </summary>
    [Fact]
    public async Task Abor_mid_stor_leaves_no_object_and_no_unfinished_multipart_upload()
    {
        await using var storage = await StartAsync();
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync("STOR aborted.bin");
        await ftp.ExpectAsync(150);
        await SendAllAsync(data, RandomBytes(PartSize + (2 << 20), seed: 1));
        await WaitUntilAsync(async () => (await storage.Bucket.ListUnfinishedUploadsAsync(storage.Root)).Count == 1, "the upload to become a multipart upload on the store");

        await ftp.SendAsync("ABOR");
        await ftp.ExpectAsync(426);
        await ftp.ExpectAsync(226);
        await ftp.CommandAsync("NOOP", 200);

        await WaitUntilAsync(async () => (await storage.Bucket.ListUnfinishedUploadsAsync()).Count == 0, "the multipart upload to be aborted");
        Assert.DoesNotContain("aborted.bin", storage.Keys());
        await ftp.CommandAsync("SIZE aborted.bin", 550);
    }

    /// <summary>The client gone mid-STOR (both connections reset, no ABOR, no QUIT): the same, with no one to tell.</summary>
    [Fact]
    public async Task A_client_vanishing_mid_stor_leaves_no_object_and_no_unfinished_multipart_upload()
    {
        await using var storage = await StartAsync();
        var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync("STOR vanished.bin");
        await ftp.ExpectAsync(150);
        await SendAllAsync(data, RandomBytes(PartSize + (2 << 20), seed: 2));
        await WaitUntilAsync(async () => (await storage.Bucket.ListUnfinishedUploadsAsync(storage.Root)).Count == 1, "the upload to become a multipart upload on the store");

        // RST, not FIN: a FIN on the data connection would be the end of the file, and a commit.
        data.LingerState = new LingerOption(true, 0);
        data.Close();
        ftp.Socket.LingerState = new LingerOption(true, 0);
        await ftp.DisposeAsync();

        await storage.Server.WaitForSessionsAsync(0);
        await WaitUntilAsync(async () => (await storage.Bucket.ListUnfinishedUploadsAsync()).Count == 0, "the multipart upload to be aborted");
        Assert.DoesNotContain("vanished.bin", storage.Keys());
    }

    /// <summary>An upload of two full parts and a short third is the bytes sent, in order, and leaves no unfinished upload.</summary>
    [Fact]
    public async Task A_stor_larger_than_two_parts_round_trips_byte_for_byte()
    {
        await using var storage = await StartAsync();
        var content = RandomBytes((2 * PartSize) + (2 << 20) + 12_345, seed: 3);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR big.bin", content);

        Assert.Empty(await storage.Bucket.ListUnfinishedUploadsAsync());
        Assert.True(content.AsSpan().SequenceEqual(storage.ReadFile("big.bin")), "the object is not the bytes sent");
        Assert.Equal("213 " + content.Length.ToString(CultureInfo.InvariantCulture), (await ftp.CommandAsync("SIZE big.bin", 213)).Lines[0]);
        var downloaded = await DataHelpers.DownloadAsync(ftp, "RETR big.bin");
        Assert.True(content.AsSpan().SequenceEqual(downloaded), "RETR did not send the bytes stored");
    }

    /// <summary>
    /// An upload's SHA-256 is computed as the bytes arrive (IUpload.Sha256, forwarded through the
    /// quota wrapper every login gets) and logged as such (5554): the object is not downloaded
    /// again to compute it (5552, a read-back, would mean a second full transfer from the store).
    /// </summary>
    [Fact]
    public async Task An_uploads_checksum_is_computed_on_the_way_not_read_back_from_the_store()
    {
        var log = new RecordingLog();
        // A quota, so the upload goes through the quota wrapper, which must pass the checksum on.
        await using var storage = await S3StorageUnderTest.StartAsync(engine, options => options.PartSize = PartSize, server => server.DefaultQuotaBytes = 1L << 30, log: log);
        var content = RandomBytes(PartSize + (1 << 20), seed: 12);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR summed.bin", content);

        // The checksum is written after the 226, before the transfer ends: the next command waits for it.
        await ftp.CommandAsync("NOOP", 200);
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        Assert.Contains(log.Messages(5554), message => message.Contains(sha256, StringComparison.Ordinal) && message.Contains("/summed.bin", StringComparison.Ordinal));
        Assert.Empty(log.Messages(5552));
    }

    /// <summary>
    /// RNFR/RNTO of a file too large for one CopyObject (5 GiB on S3) copies it part by part
    /// (UploadPartCopy) and then deletes the original. The limit is lowered to 5 MiB here so that
    /// a three-part file takes that path on the real store.
    /// </summary>
    [Fact]
    public async Task Rename_of_a_file_above_the_single_copy_limit_copies_it_by_parts()
    {
        await using var storage = await StartAsync();
        storage.Factory.Store.SingleCopyLimit = PartSize;
        var content = RandomBytes((2 * PartSize) + 777, seed: 11);
        storage.WriteFile("large.bin", content);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("MKD moved", 257);
        await ftp.CommandAsync("RNFR large.bin", 350);
        await ftp.CommandAsync("RNTO moved/large.bin", 250);

        Assert.Null(storage.ReadFile("large.bin"));
        Assert.True(content.AsSpan().SequenceEqual(storage.ReadFile("moved/large.bin")), "the renamed object is not the original's bytes");

        // A multipart object's ETag ends in "-<parts>": made of three copied parts, not one CopyObject.
        var head = await storage.Bucket.Client.GetObjectMetadataAsync(storage.Bucket.Name, storage.KeyOf("moved/large.bin"));
        Assert.EndsWith("-3\"", head.ETag, StringComparison.Ordinal);
        Assert.Empty(await storage.Bucket.ListUnfinishedUploadsAsync());
    }

    /// <summary>
    /// RFC 3659 §5: REST then RETR from offsets around the end of the first ranged GET (one part
    /// long): just before it, on it and just after, each the exact tail.
    /// </summary>
    [Fact]
    public async Task Rest_then_retr_across_a_range_boundary_sends_the_exact_tail()
    {
        await using var storage = await StartAsync();
        var content = RandomBytes(PartSize + (1 << 20) + 777, seed: 4);
        storage.WriteFile("ranges.bin", content);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        foreach (var offset in new[] { PartSize - 1000, PartSize, PartSize + 1 })
        {
            await ftp.CommandAsync("REST " + offset.ToString(CultureInfo.InvariantCulture), 350);
            var tail = await DataHelpers.DownloadAsync(ftp, "RETR ranges.bin");
            Assert.True(content.AsSpan(offset).SequenceEqual(tail), $"REST {offset}: got {tail.Length} bytes, not the {content.Length - offset} after the offset");
        }
    }

    /// <summary>
    /// APPE and REST+STOR onto an object of more than one part: the kept bytes are copied by the
    /// store (UploadPartCopy) and the new ones follow, byte exact, with no upload left unfinished.
    /// </summary>
    [Fact]
    public async Task Appe_and_rest_stor_onto_an_object_above_one_part_keep_its_bytes_in_front()
    {
        await using var storage = await StartAsync();
        var old = RandomBytes(PartSize + (1 << 20), seed: 5);
        storage.WriteFile("grow.bin", old);
        storage.WriteFile("resume.bin", old);
        var added = RandomBytes(300_000, seed: 6);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        await DataHelpers.UploadAsync(ftp, "APPE grow.bin", added);
        Assert.True(old.Concat(added).ToArray().AsSpan().SequenceEqual(storage.ReadFile("grow.bin")), "APPE: not the old bytes followed by the new");

        var offset = PartSize + 1000;
        await ftp.CommandAsync("REST " + offset.ToString(CultureInfo.InvariantCulture), 350);
        await DataHelpers.UploadAsync(ftp, "STOR resume.bin", added);
        Assert.True(old.Take(offset).Concat(added).ToArray().AsSpan().SequenceEqual(storage.ReadFile("resume.bin")), "REST+STOR: not the bytes before the offset followed by the new");
        Assert.Empty(await storage.Bucket.ListUnfinishedUploadsAsync());
    }

    /// <summary>RFC 2389: FEAT leaves out what S3 cannot do (MFMT), and SITE CHMOD is 502 (CapabilityTests); REST STREAM and SIZE stay.</summary>
    [Fact]
    public async Task Feat_and_site_chmod_follow_what_s3_can_do()
    {
        await using var storage = await StartAsync();
        storage.WriteFile("file.txt", "x");
        await using var ftp = await storage.Server.ConnectAsync();
        var features = (await ftp.CommandAsync("FEAT", 211)).Lines.Skip(1).SkipLast(1).Select(line => line.Trim()).ToList();
        Assert.DoesNotContain(features, feature => feature.StartsWith("MFMT", StringComparison.Ordinal));
        Assert.Contains("REST STREAM", features);
        Assert.Contains("SIZE", features);
        await ftp.CommandAsync("SITE CHMOD 600 file.txt", 502);
        Assert.Equal("x", storage.ReadText("file.txt"));
    }

    /// <summary>
    /// ListObjectsV2 returns at most 1,000 keys a page: a folder of 1,010 files and two folders (one
    /// on each side of the page boundary, one only implied by a key under it) lists each name
    /// exactly once, in NLST and in MLSD.
    /// </summary>
    [Fact]
    public async Task A_folder_of_more_than_1000_objects_lists_every_name_exactly_once()
    {
        await using var storage = await StartAsync();
        var files = Enumerable.Range(0, 1010).Select(i => $"f{i:D4}.txt").ToList();
        storage.CreateDirectory("many/a-folder");
        await S3TestBucket.ForEachAsync(files, async (name, ct) => await storage.Bucket.PutAsync(storage.KeyOf("many/" + name), [(byte)'x'], ct));
        await storage.Bucket.PutAsync(storage.KeyOf("many/z-implied/inside.txt"), [1]);
        string[] expected = ["a-folder", .. files, "z-implied"];
        await using var ftp = await storage.Server.ConnectAsync();

        var names = await DataHelpers.ListLinesAsync(ftp, "NLST many");
        Assert.Equal(expected, names.Select(name => name.Split('/')[^1]).Order(StringComparer.Ordinal));

        var facts = await DataHelpers.ListLinesAsync(ftp, "MLSD many");
        Assert.Equal(expected, facts.Select(line => line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]).Order(StringComparer.Ordinal));
        Assert.Equal(2, facts.Count(line => line.Contains("type=dir;", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// S3 has no rename: a folder moves object by object. Above MaxRenameObjects RNTO is refused with
    /// 550 and the reason, and nothing moves; at the limit every object moves with its bytes.
    /// </summary>
    [Fact]
    public async Task Rnto_of_a_folder_above_max_rename_objects_is_refused_and_below_moves_every_object()
    {
        await using var storage = await StartAsync(options => options.MaxRenameObjects = 5);
        var big = new[] { "big/1.txt", "big/2.txt", "big/3.txt", "big/4.txt", "big/5.txt" };
        foreach (var file in big)
        {
            storage.WriteFile(file, file);
        }

        // Exactly 5 objects: the markers small/ and small/sub/, and three files.
        var small = new[] { "small/a.txt", "small/b.txt", "small/sub/c.txt" };
        foreach (var file in small)
        {
            storage.WriteFile(file, file);
        }

        var before = storage.Keys();
        await using var ftp = await storage.Server.ConnectAsync();

        await ftp.CommandAsync("RNFR big", 350);
        var refused = await ftp.CommandAsync("RNTO moved-big", 550);
        Assert.Contains("more than 5 objects", refused.Text, StringComparison.Ordinal);
        Assert.Equal(before, storage.Keys());

        await ftp.CommandAsync("RNFR small", 350);
        await ftp.CommandAsync("RNTO moved", 250);
        var after = storage.Keys();
        Assert.DoesNotContain(after, key => key.StartsWith("small/", StringComparison.Ordinal));
        Assert.Equal(["moved/", "moved/a.txt", "moved/b.txt", "moved/sub/", "moved/sub/c.txt"], after.Where(key => key.StartsWith("moved/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var file in small)
        {
            Assert.Equal(file, storage.ReadText("moved" + file["small".Length..]));
        }

        Assert.Empty(await storage.Bucket.ListUnfinishedUploadsAsync());
    }

    /// <summary>A profile with a wrong secret key: the store refuses each request (SigV4), and the client reads 550 and that the storage denied it, promptly.</summary>
    [Fact]
    public async Task Bad_credentials_give_a_clear_refusal()
    {
        await using var storage = await StartAsync(options => options.SecretKey = "not-the-secret-" + options.SecretKey);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var clock = Stopwatch.StartNew();

        var list = await DataHelpers.TryDownloadAsync(ftp, "LIST");
        AssertStorageRefusal(list.Reply, "LIST");
        Assert.Empty(list.Data);
        var stor = await DataHelpers.TryUploadAsync(ftp, "STOR denied.txt", "x");
        AssertStorageRefusal(stor, "STOR");
        AssertStorageRefusal(await ftp.CommandAsync("SIZE missing.txt", 550), "SIZE");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the refusals took {clock.Elapsed}");
        await ftp.CommandAsync("NOOP", 200);
        Assert.Empty(await storage.Bucket.ListKeysAsync());

        static void AssertStorageRefusal(FtpReplyText reply, string command)
        {
            Assert.True(reply.Code == 550, $"{command}: expected 550, got: {reply}");
            Assert.Contains("denied by the storage", reply.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Random bytes (a fixed seed per test): a part sent twice, skipped or out of order shows.</summary>
    internal static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Settle, $"waited {Settle.TotalSeconds:0} s for {what}");
            await Task.Delay(100);
        }
    }

    private static async Task SendAllAsync(Socket data, byte[] content)
    {
        for (var sent = 0; sent < content.Length;)
        {
            sent += await data.SendAsync(content.AsMemory(sent), SocketFlags.None);
        }
    }

    private Task<S3StorageUnderTest> StartAsync(Action<S3StorageOptions>? configure = null) =>
        S3StorageUnderTest.StartAsync(engine, options =>
        {
            options.PartSize = PartSize;
            configure?.Invoke(options);
        });
}
