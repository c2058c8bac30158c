using System.Net;
using System.Text.Json.Nodes;
using Ferry.IntegrationTests.Administration;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// Per-user storage in the real `ferry` process (issue 16), with S3 profiles configured but no
/// store behind them (a login to S3 makes no request; the engine-backed test is
/// S3StorageHostTests): `ferry user` and the admin API set and check a user's storage against the
/// configured profiles and create no home folder for an S3 user; the admin API masks the profiles'
/// keys; a user whose profile a reload removed is refused at login (530) with a log line naming the
/// user and the value; a broken profile refuses the reload; a local user is unaffected throughout.
/// </summary>
public sealed class S3UserHostTests
{
    private const int UnknownUserStorage = 7500;
    private const int ReloadRefused = 7202;
    private const int Reloaded = 7204;
    private const string Secret = "rgw-secret-key-never-shown";
    private const string Password = "a long enough password";

    [Fact]
    public async Task Users_get_their_storage_from_the_CLI_and_the_API_and_one_whose_profile_is_gone_is_refused_at_login()
    {
        await using var ferry = await AdminFerry.StartAsync("s3-users", storage: Storage(("partners", 8L << 20), ("archive", 8L << 20)));
        var harness = ferry.Harness;
        var config = harness.ConfigFile;
        var before = Directory.GetFileSystemEntries(harness.Folder).Order(StringComparer.Ordinal).ToList();

        // `ferry user add`: an S3 user needs no --home and gets no folder; values are checked against the profiles.
        var add = await FerryProcess.RunAsync(Password, "user", "add", "gil", "--storage", "s3:archive", "--password-stdin", "--config", config);
        Assert.True(add.ExitCode == 0, add.Errors);
        Assert.Contains("User 'gil' added (storage s3:archive, permissions all).", add.Output, StringComparison.Ordinal);
        var unknown = await FerryProcess.RunAsync(Password, "user", "add", "hal", "--storage", "s3:nope", "--password-stdin", "--config", config);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("ferry: --storage 's3:nope' is not local or one of s3:archive, s3:partners (the profiles in Storage:S3).", unknown.Errors.Trim());
        var noHome = await FerryProcess.RunAsync(Password, "user", "add", "hal", "--password-stdin", "--config", config);
        Assert.Equal(2, noHome.ExitCode);
        Assert.Contains("--home is required for a user on the local disk", noHome.Errors, StringComparison.Ordinal);
        var both = await FerryProcess.RunAsync(Password, "user", "add", "hal", "--storage", "s3:partners", "--home", Path.Combine(harness.Folder, "hal"), "--password-stdin", "--config", config);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--home is not used with --storage s3:partners", both.Errors, StringComparison.Ordinal);

        // `ferry user set`: to a profile (its own spelling stored) and back to the home it kept.
        Assert.Equal(0, (await FerryProcess.RunAsync(null, "user", "set", ServeHarness.UserName, "--storage", "S3:Partners", "--config", config)).ExitCode);
        var list = (await FerryProcess.RunAsync(null, "user", "list", "--config", config)).Output;
        Assert.Contains("gil\tenabled\tall\ts3:archive\t", list, StringComparison.Ordinal);
        Assert.Contains("bob\tenabled\tall\ts3:partners\t", list, StringComparison.Ordinal);
        Assert.Equal(0, (await FerryProcess.RunAsync(null, "user", "set", ServeHarness.UserName, "--storage", "local", "--config", config)).ExitCode);
        Assert.Contains($"bob\tenabled\tall\t{harness.Home}\t", (await FerryProcess.RunAsync(null, "user", "list", "--config", config)).Output, StringComparison.Ordinal);
        var toLocal = await FerryProcess.RunAsync(null, "user", "set", "gil", "--storage", "local", "--config", config);
        Assert.Equal(2, toLocal.ExitCode);
        Assert.Contains("--home is required", toLocal.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(harness.Folder).Order(StringComparer.Ordinal).ToList());

        // The admin API: the same field, the same checks, a 400 naming it.
        var (status, body, _) = await ferry.SendAsync(HttpMethod.Post, "/api/users", new { name = "ivy", password = Password, storage = "s3:partners" });
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        Assert.Equal(("s3:partners", ""), ((string?)body!["storage"], (string?)body["home"]));
        Assert.Equal("s3:archive", (string?)(await ferry.GetJsonAsync("/api/users/gil"))["storage"]);
        Assert.Equal("local", (string?)(await ferry.GetJsonAsync("/api/users/bob"))["storage"]);
        (status, body, _) = await ferry.SendAsync(HttpMethod.Patch, "/api/users/ivy", new { storage = "s3:nope" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("storage", (string?)body!["field"]);
        Assert.Equal("storage: 's3:nope' is not local or one of s3:archive, s3:partners (the profiles in Storage:S3).", (string?)body["detail"]);
        (status, body, _) = await ferry.SendAsync(HttpMethod.Patch, "/api/users/ivy", new { storage = "local" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("home", (string?)body!["field"]);
        var ivyHome = Path.Combine(ferry.DataDir, "homes", "ivy");
        (status, body, _) = await ferry.SendAsync(HttpMethod.Patch, "/api/users/ivy", new { storage = "local", home = ivyHome });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal(("local", ivyHome), ((string?)body!["storage"], (string?)body["home"]));
        Assert.True(Directory.Exists(ivyHome), "a user moved to the local disk gets their home created");

        // The profiles' keys never leave the server.
        using (var response = await ferry.Http.GetAsync("/api/config"))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal("***", (string?)JsonNode.Parse(text)!["Storage"]!["S3"]!["partners"]!["SecretKey"]);
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }

        // An S3 user logs in (no request to the store yet); a local user works as ever.
        await using (var gil = await harness.ConnectAsync())
        {
            await gil.LoginAsync("gil", Password);
        }

        await AssertLocalUserWorksAsync(ferry, "before.txt");

        // A reload that drops "archive": gil's next login is refused, and the log says why.
        ferry.WriteConfig(storage: Storage(("partners", 8L << 20)));
        harness.Server.SendSignal("HUP");
        await harness.WaitForEventAsync(Reloaded);
        await using (var refused = await harness.ConnectAsync())
        {
            await refused.CommandAsync("USER gil", 331);
            await refused.CommandAsync("PASS " + Password, 530);
        }

        var line = await harness.WaitForEventAsync(UnknownUserStorage);
        Assert.Contains("User \"gil\": storage \"s3:archive\" is not local or one of s3:partners", line, StringComparison.Ordinal);

        // A broken profile refuses the reload, naming the key; "partners" and the local user go on.
        ferry.WriteConfig(storage: Storage(("partners", 1024)));
        harness.Server.SendSignal("HUP");
        Assert.Contains("Storage:S3:partners:PartSize: 1024", await harness.WaitForEventAsync(ReloadRefused), StringComparison.Ordinal);
        await using (var ivy = await harness.ConnectAsync())
        {
            await ivy.LoginAsync("ivy", Password);
        }

        await AssertLocalUserWorksAsync(ferry, "after.txt");
    }

    /// <summary>Bob's upload lands in his home and comes back the same, over curl.</summary>
    private static async Task AssertLocalUserWorksAsync(AdminFerry ferry, string name)
    {
        using var local = new TempFolder("s3-users-local");
        var source = local.Combine(name);
        var sent = FileTree.WriteRandomFile(source, 300_000);
        var credentials = $"{ServeHarness.UserName}:{ServeHarness.Password}";
        (await AdminFerry.CurlAsync("-u", credentials, "-T", source, ferry.FtpUrl + name)).AssertSuccess();
        Assert.Equal(FileTree.Sha256(sent), FileTree.Sha256OfFile(Path.Combine(ferry.Harness.Home, name)));
        var back = local.Combine("back-" + name);
        (await AdminFerry.CurlAsync("-u", credentials, "-o", back, ferry.FtpUrl + name)).AssertSuccess();
        Assert.Equal(FileTree.Sha256(sent), FileTree.Sha256OfFile(back));
    }

    /// <summary>A Storage section with these profiles; no store listens at their endpoint.</summary>
    private static JsonObject Storage(params (string Name, long PartSize)[] profiles)
    {
        var s3 = new JsonObject();
        foreach (var (name, partSize) in profiles)
        {
            s3[name] = new JsonObject
            {
                ["Endpoint"] = "http://127.0.0.1:9",
                ["Bucket"] = "ferry-" + name,
                ["AccessKey"] = "ferry-access",
                ["SecretKey"] = Secret,
                ["PartSize"] = partSize,
            };
        }

        return new JsonObject { ["S3"] = s3 };
    }
}
