using System.Globalization;
using System.Text.Json.Nodes;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// End to end on a real store (issue 16): a user added with `ferry user add --storage s3:NAME`
/// uploads and downloads through the `ferry` process, and the bytes are objects under the user's
/// root in the profile's bucket (a multipart upload, none left unfinished) that `ferry user quota
/// --scan` counts, while a local user of
/// the same server keeps writing to their home folder and nothing of theirs reaches the bucket.
/// </summary>
public sealed class S3StorageHostTests
{
    private const string Password = "sam's long password";

    [Fact]
    public async Task An_S3_user_reaches_the_bucket_through_the_ferry_process_while_a_local_user_keeps_the_disk()
    {
        await using var bucket = await S3Engine.Ceph.CreateBucketAsync("host");
        var ceph = bucket.Endpoint;
        await using var ferry = await ServeHarness.CreateAsync("s3-e2e");
        ferry.WriteConfigText(new JsonObject
        {
            ["DataDir"] = ferry.DataDir,
            ["Server"] = new JsonObject { ["ListenAddress"] = "127.0.0.1", ["Port"] = ferry.Port, ["PassivePorts"] = ferry.PassivePorts },
            ["Storage"] = new JsonObject
            {
                ["S3"] = new JsonObject
                {
                    ["rgw"] = new JsonObject
                    {
                        ["Endpoint"] = ceph.Endpoint, ["Region"] = ceph.Region, ["Bucket"] = bucket.Name,
                        ["AccessKey"] = ceph.AccessKey, ["SecretKey"] = ceph.SecretKey, ["PartSize"] = 5L << 20,
                    },
                },
            },
        }.ToJsonString());
        var add = await FerryProcess.RunAsync(Password, "user", "add", "sam", "--storage", "s3:rgw", "--password-stdin", "--config", ferry.ConfigFile);
        Assert.True(add.ExitCode == 0, add.Errors);
        await ferry.StartAsync();

        // 12 MiB with 5 MiB parts: a multipart upload of three parts.
        using var local = new TempFolder("s3-e2e-local");
        var source = local.Combine("big.bin");
        var sent = FileTree.WriteRandomFile(source, 12 << 20);
        var url = $"ftp://127.0.0.1:{ferry.Port.ToString(CultureInfo.InvariantCulture)}/";
        (await Curl("-u", "sam:" + Password, "--ftp-create-dirs", "-T", source, url + "in/big.bin")).AssertSuccess();
        var back = local.Combine("back.bin");
        (await Curl("-u", "sam:" + Password, "-o", back, url + "in/big.bin")).AssertSuccess();
        Assert.Equal(FileTree.Sha256(sent), FileTree.Sha256OfFile(back));

        // Behind Ferry's back: the object under sam's root, whole, and no unfinished upload.
        var head = await bucket.Client.GetObjectMetadataAsync(bucket.Name, "sam/in/big.bin");
        Assert.Equal(12L << 20, head.ContentLength);
        Assert.Empty(await bucket.ListUnfinishedUploadsAsync());

        // `ferry user quota --scan` counts an S3 user's objects (the folder marker is no file).
        var scan = await FerryProcess.RunAsync(null, "user", "quota", "sam", "--scan", "--config", ferry.ConfigFile);
        Assert.True(scan.ExitCode == 0, scan.Errors);
        Assert.Contains("sam\tquota 12 MiB/unlimited, 1/unlimited files", scan.Output, StringComparison.Ordinal);

        // The local user of the same server: the home folder, nothing in the bucket.
        var mine = local.Combine("bob.txt");
        await File.WriteAllTextAsync(mine, "bob's file stays on disk");
        (await Curl("-u", $"{ServeHarness.UserName}:{ServeHarness.Password}", "-T", mine, url + "bob.txt")).AssertSuccess();
        Assert.Equal("bob's file stays on disk", await File.ReadAllTextAsync(Path.Combine(ferry.Home, "bob.txt")));
        var keys = await bucket.ListKeysAsync();
        Assert.All(keys, key => Assert.StartsWith("sam/", key, StringComparison.Ordinal));
        Assert.Contains("sam/in/big.bin", keys);
    }

    private static Task<ClientResult> Curl(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["--silent", "--show-error", "--max-time", "60", .. arguments]);
}
