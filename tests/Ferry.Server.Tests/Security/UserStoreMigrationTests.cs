using Ferry.Server.Security;
using Microsoft.Data.Sqlite;

namespace Ferry.Server.Tests.Security;

/// <summary>
/// Overwrite was split from Write after stores existed: a store written before (SQLite
/// user_version 0) keeps its meaning, so the old All (63) is still everything and every old
/// Write can still overwrite; a store written since is never migrated again.
/// </summary>
public sealed class UserStoreMigrationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-store-" + Guid.NewGuid().ToString("N")[..12]);

    public UserStoreMigrationTests() => Directory.CreateDirectory(_folder);

    private string Database => Path.Combine(_folder, "users.db");

    [Fact]
    public async Task An_old_store_keeps_what_its_permissions_meant()
    {
        // The schema and values as the store wrote them before Overwrite existed.
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE users (name TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL, home TEXT NOT NULL,
                    permissions INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
                INSERT INTO users (name, password_hash, home, permissions) VALUES
                    ('all', 'x', '/h', 63), ('readonly', 'x', '/h', 33), ('writer', 'x', '/h', 35), ('upload', 'x', '/h', 2), ('none', 'x', '/h', 0);
                """;
            command.ExecuteNonQuery();
        }

        using (var store = new SqliteUserStore(Database))
        {
            Assert.Equal(UserPermissions.All, await PermissionsOf(store, "all"));
            Assert.Equal(UserPermissions.ReadOnly, await PermissionsOf(store, "readonly"));
            Assert.Equal(UserPermissions.Read | UserPermissions.Write | UserPermissions.List | UserPermissions.Overwrite, await PermissionsOf(store, "writer"));
            Assert.Equal(UserPermissions.Write | UserPermissions.Overwrite, await PermissionsOf(store, "upload"));
            Assert.Equal(UserPermissions.None, await PermissionsOf(store, "none"));

            // Set after the migration: an upload-only account must stay one when the store is opened again.
            var upload = (await store.FindAsync("upload", CancellationToken.None))!;
            await store.UpdateAsync(upload with { Permissions = UserPermissions.UploadOnly }, CancellationToken.None);
        }

        using var reopened = new SqliteUserStore(Database);
        Assert.Equal(UserPermissions.UploadOnly, await PermissionsOf(reopened, "upload"));
        Assert.Equal(UserPermissions.All, await PermissionsOf(reopened, "all"));
    }

    /// <summary>Issue 13: a store from before quotas gets the quota, umask and usage columns, its users "server default" and "never counted".</summary>
    [Fact]
    public async Task A_store_from_before_quotas_gets_the_columns_and_keeps_its_users()
    {
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE users (name TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL, home TEXT NOT NULL,
                    permissions INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, require_tls INTEGER NOT NULL DEFAULT 0);
                INSERT INTO users (name, password_hash, home, permissions, require_tls) VALUES ('old', 'x', '/h', 127, 1);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        using (var store = new SqliteUserStore(Database))
        {
            var old = (await store.FindAsync("old", CancellationToken.None))!;
            Assert.True(old.RequireTls);
            Assert.Null(old.QuotaBytes);
            Assert.Null(old.QuotaFiles);
            Assert.Null(old.Umask);
            Assert.Null(old.ScannedUsage);
            await store.UpdateAsync(old with { QuotaBytes = 10L << 30, QuotaFiles = 0, Umask = 0b000_111_111 }, CancellationToken.None);
            var counted = new Ferry.Server.Quotas.StoredUsage(1234, 5, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
            Assert.True(await store.SetScannedUsageAsync("old", counted, CancellationToken.None));
        }

        using var reopened = new SqliteUserStore(Database);
        var user = (await reopened.FindAsync("old", CancellationToken.None))!;
        Assert.Equal((10L << 30, 0L, 0b000_111_111), (user.QuotaBytes, user.QuotaFiles, user.Umask));
        Assert.Equal(new Ferry.Server.Quotas.StoredUsage(1234, 5, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)), user.ScannedUsage);
    }

    /// <summary>Issue 16: a store from before per-user storage gets the storage column, its users on the local disk (null).</summary>
    [Fact]
    public async Task A_store_from_before_per_user_storage_gets_the_column_and_keeps_its_users_local()
    {
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE users (name TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL, home TEXT NOT NULL,
                    permissions INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, require_tls INTEGER NOT NULL DEFAULT 0,
                    quota_bytes INTEGER NULL, quota_files INTEGER NULL, umask INTEGER NULL, used_bytes INTEGER NULL, used_files INTEGER NULL,
                    usage_counted_at INTEGER NULL, download_rate_limit INTEGER NULL, upload_rate_limit INTEGER NULL);
                INSERT INTO users (name, password_hash, home, permissions, download_rate_limit) VALUES ('old', 'x', '/h', 127, 4096);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        using (var store = new SqliteUserStore(Database))
        {
            var old = (await store.FindAsync("old", CancellationToken.None))!;
            Assert.Null(old.Storage);
            Assert.Equal(4096, old.DownloadRateLimit);
            Assert.True(await store.UpdateAsync(old with { Storage = "s3:partners" }, CancellationToken.None));
            Assert.True(await store.AddAsync(new FtpUser("new", "x", string.Empty, UserPermissions.All, Disabled: false, Storage: "s3:archive"), CancellationToken.None));
        }

        using var reopened = new SqliteUserStore(Database);
        Assert.Equal("s3:partners", (await reopened.FindAsync("old", CancellationToken.None))!.Storage);
        Assert.Equal(["old:s3:partners", "new:s3:archive"], (await reopened.ListAsync(CancellationToken.None)).OrderByDescending(user => user.Name).Select(user => $"{user.Name}:{user.Storage}"));

        // Back to the local disk: stored as NULL, read as null.
        var back = (await reopened.FindAsync("old", CancellationToken.None))!;
        Assert.True(await reopened.UpdateAsync(back with { Storage = null }, CancellationToken.None));
        Assert.Null((await reopened.FindAsync("old", CancellationToken.None))!.Storage);
    }

    [Fact]
    public async Task A_new_store_is_never_migrated()
    {
        using (var store = new SqliteUserStore(Database))
        {
            await store.AddAsync(new FtpUser("drop", "x", "/h", UserPermissions.UploadOnly, Disabled: false), CancellationToken.None);
        }

        using var reopened = new SqliteUserStore(Database);
        Assert.Equal(UserPermissions.UploadOnly, await PermissionsOf(reopened, "drop"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task<UserPermissions> PermissionsOf(SqliteUserStore store, string name) =>
        (await store.FindAsync(name, CancellationToken.None))!.Permissions;
}
