using Ferry.Configuration;
using Ferry.Server;
using Ferry.Server.Security;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;
using Ferry.Server.Tests.Support;
using Ferry.Storage;
using Ferry.Storage.S3;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// The host's side of per-user storage (issue 16), in process: the Storage:S3 profiles are checked
/// like every other section (one line per mistake, each naming the full key), their secrets never
/// shown, and the router gives each login its backend, refusing an account that names no
/// configured profile with a log line, and promising before login only what every backend can do.
/// No S3 store is contacted: the engine-backed checks are in S3StorageHostTests.
/// </summary>
public sealed class S3StorageSettingsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-s3-settings-" + Guid.NewGuid().ToString("N")[..12]);

    public S3StorageSettingsTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public void Every_mistake_in_every_profile_is_one_line_naming_its_full_key()
    {
        var config = Write("""
            { "Storage": { "S3": {
                "partners": { "Bucket": "", "Endpoint": "ftp://store.example", "PartSize": 1024, "MaxRenameObjects": 0 },
                "keys": { "Bucket": "ftp", "AccessKey": "AKIAEXAMPLE" },
                "bad.name": { "Bucket": "ftp" },
                "fine_one-2": { "Bucket": "ftp", "Endpoint": "http://127.0.0.1:7480", "AccessKey": "a", "SecretKey": "s" }
            } } }
            """);
        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Load(config, new Dictionary<string, string?>()));
        var lines = error.Message.Split(Environment.NewLine);
        Assert.Equal(
        [
            "Storage:S3:bad.name: 'bad.name' is not a profile name: 1-64 letters, digits, '-' or '_' (a user names it as s3:NAME).",
            "Storage:S3:keys:AccessKey, SecretKey: set both, or neither to use the AWS SDK's default credentials.",
            "Storage:S3:partners:Bucket: must be set to the name of an existing bucket.",
            "Storage:S3:partners:Endpoint: 'ftp://store.example' must be an http:// or https:// URL, or empty for AWS.",
            "Storage:S3:partners:PartSize: 1024 must be from 5242880 (5 MiB) to 5368709120 (5 GiB).",
            "Storage:S3:partners:MaxRenameObjects: 0 must be 1 or more.",
        ], lines);
    }

    [Fact]
    public void Valid_profiles_load_and_their_names_match_ignoring_case()
    {
        var config = Write("""{ "Storage": { "S3": { "Partners": { "Bucket": "ftp", "Endpoint": "http://127.0.0.1:7480", "PartSize": 16777216 } } } }""");
        var settings = SettingsLoader.Load(config, new Dictionary<string, string?>());
        var profile = Assert.Single(settings.Storage.S3).Value;
        Assert.Equal(("ftp", 16L << 20, "bob/"), (profile.Bucket, profile.PartSize, profile.RootFor("bob")));

        // A user's value is stored with the profile's own spelling; anything else names what is allowed.
        Assert.True(UserStorage.TryParse("S3:partners", settings.Storage, out var storage, out _));
        Assert.Equal("s3:Partners", storage);
        Assert.True(UserStorage.TryParse("local", settings.Storage, out storage, out _));
        Assert.Null(storage);
        Assert.False(UserStorage.TryParse("s3:archive", settings.Storage, out _, out var error));
        Assert.Equal("'s3:archive' is not local or one of s3:Partners (the profiles in Storage:S3).", error);
        Assert.False(UserStorage.TryParse("/srv/ftp", settings.Storage, out _, out error));
        Assert.Equal("'/srv/ftp' is not local or one of s3:Partners (the profiles in Storage:S3).", error);
        Assert.False(UserStorage.TryParse("s3:x", new StorageSettings(), out _, out error));
        Assert.Equal("'s3:x' is not local (no S3 profile is configured in Storage:S3).", error);
    }

    [Fact]
    public void The_admin_API_shows_profiles_with_their_keys_masked()
    {
        var settings = new FerrySettings();
        settings.Storage.S3["partners"] = new S3StorageOptions { Bucket = "ftp", AccessKey = "AKIAEXAMPLEACCESS", SecretKey = "wJalrXUtnFEMI/K7MDENG" };
        settings.Storage.S3["chain"] = new S3StorageOptions { Bucket = "ftp" };
        var masked = Ferry.Administration.ConfigEndpoints.Masked(settings);
        var partners = masked["Storage"]!["S3"]!["partners"]!;
        Assert.Equal("***", (string?)partners["SecretKey"]);
        Assert.Equal("***", (string?)partners["AccessKey"]);
        Assert.Equal("ftp", (string?)partners["Bucket"]);
        Assert.DoesNotContain("wJalrXUtnFEMI", masked.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAEXAMPLEACCESS", masked.ToJsonString(), StringComparison.Ordinal);

        // Unset keys (the SDK's default chain) stay visibly unset.
        Assert.Null((string?)masked["Storage"]!["S3"]!["chain"]!["SecretKey"]);
    }

    [Fact]
    public async Task A_user_naming_no_configured_profile_is_refused_with_a_line_naming_the_user_and_the_value()
    {
        var log = new RecordingLog();
        var settings = new FerrySettings();
        settings.Storage.S3["partners"] = new S3StorageOptions { Bucket = "ftp", Endpoint = "http://127.0.0.1:9" };
        using var router = new StorageRouter(settings, log);

        foreach (var value in new[] { "s3:archive", "s3:", "nfs:partners" })
        {
            var user = new FtpUser("gil", "x", string.Empty, UserPermissions.All, Disabled: false, Storage: value);
            var refused = await Assert.ThrowsAsync<StorageException>(() => router.CreateAsync(user, CancellationToken.None).AsTask());
            Assert.Equal(StorageErrorKind.NotFound, refused.Kind);
        }

        Assert.Equal(
        [
            "User \"gil\": storage \"s3:archive\" is not local or one of s3:partners (the profiles in Storage:S3); login refused (set it with `ferry user set NAME --storage ...`)",
            "User \"gil\": storage \"s3:\" is not local or one of s3:partners (the profiles in Storage:S3); login refused (set it with `ferry user set NAME --storage ...`)",
            "User \"gil\": storage \"nfs:partners\" is not local or one of s3:partners (the profiles in Storage:S3); login refused (set it with `ferry user set NAME --storage ...`)",
        ], log.Messages(7500));
    }

    [Fact]
    public async Task A_local_user_gets_the_local_disk_whatever_profiles_are_configured()
    {
        var home = Path.Combine(_folder, "bob");
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(home, "hello.txt"), "hello");
        var settings = new FerrySettings();
        settings.Storage.S3["partners"] = new S3StorageOptions { Bucket = "ftp", Endpoint = "http://127.0.0.1:9" };
        using var router = new StorageRouter(settings, new RecordingLog());

        using var files = await router.CreateAsync(new FtpUser("bob", "x", home, UserPermissions.All, Disabled: false), CancellationToken.None);
        Assert.Equal(LocalFileSystem.Supported, files.Capabilities);
        Assert.Equal(5, (await files.GetEntryAsync(VirtualPath.Resolve(VirtualPath.Root, "hello.txt"), CancellationToken.None))!.Size);
    }

    [Fact]
    public void Before_login_the_capabilities_are_what_the_local_disk_and_every_profile_offer()
    {
        var settings = new FerrySettings();
        using (var localOnly = new StorageRouter(settings, new RecordingLog()))
        {
            Assert.Equal(LocalFileSystem.Supported, localOnly.Capabilities);
        }

        var options = new S3StorageOptions { Bucket = "ftp", Endpoint = "http://127.0.0.1:9" };
        settings.Storage.S3["partners"] = options;
        using var factory = new S3FileSystemFactory(options);
        using var router = new StorageRouter(settings, new RecordingLog());
        Assert.Equal(LocalFileSystem.Supported & factory.Capabilities, router.Capabilities);

        // A reload that drops the profile gives back what the local disk offers.
        router.Apply(router.Prepare(new StorageSettings()), new FtpServerOptions());
        Assert.Equal(LocalFileSystem.Supported, router.Capabilities);
    }

    [Fact]
    public async Task A_reload_keeps_an_unchanged_profile_and_gives_new_logins_the_new_ones()
    {
        var log = new RecordingLog();
        var settings = new FerrySettings();
        settings.Storage.S3["partners"] = new S3StorageOptions { Bucket = "ftp", Endpoint = "http://127.0.0.1:9" };
        using var router = new StorageRouter(settings, log);
        Assert.Single(log.Messages(7501));

        var next = new StorageSettings();
        next.S3["partners"] = new S3StorageOptions { Bucket = "ftp", Endpoint = "http://127.0.0.1:9" };
        next.S3["archive"] = new S3StorageOptions { Bucket = "old", Endpoint = "http://127.0.0.1:9" };
        var prepared = router.Prepare(next);

        // Only the new profile needed a client; until applied, logins still see the old profiles.
        Assert.Single(prepared.Built);
        var archiveUser = new FtpUser("ann", "x", string.Empty, UserPermissions.All, Disabled: false, Storage: "s3:archive");
        await Assert.ThrowsAsync<StorageException>(() => router.CreateAsync(archiveUser, CancellationToken.None).AsTask());
        Assert.Single(log.Messages(7500));

        router.Apply(prepared, new FtpServerOptions());
        Assert.Equal(2, log.Messages(7501).Count);
        Assert.Contains("S3 profile archive, bucket old", log.Messages(7501)[1], StringComparison.Ordinal);
        try
        {
            (await router.CreateAsync(archiveUser, CancellationToken.None)).Dispose();
        }
        catch (StorageException)
        {
            // The backend may refuse (no store listens there); what matters is that the router no longer does.
        }

        Assert.Single(log.Messages(7500));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "ferry.json");
        File.WriteAllText(path, json);
        return path;
    }
}
