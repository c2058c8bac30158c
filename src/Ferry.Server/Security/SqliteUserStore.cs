using Microsoft.Data.Sqlite;

namespace Ferry.Server.Security;

/// <summary>The embedded user store: one SQLite file in the data folder, created on first use.</summary>
public sealed class SqliteUserStore : IUserStore, IDisposable
{
    private const string Columns = "name, password_hash, home, permissions, disabled, require_tls, quota_bytes, quota_files, umask, used_bytes, used_files, usage_counted_at, download_rate_limit, upload_rate_limit, storage";

    private readonly SqliteDatabase _database;

    public SqliteUserStore(string databasePath)
    {
        _database = new SqliteDatabase(databasePath);
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS users (
                name TEXT PRIMARY KEY NOT NULL,
                password_hash TEXT NOT NULL,
                home TEXT NOT NULL,
                permissions INTEGER NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0
            );
            """;
        command.ExecuteNonQuery();

        // Stores created before a column existed get it (SQLite has no ADD COLUMN IF NOT EXISTS).
        AddColumnIfMissing(command, "require_tls", "INTEGER NOT NULL DEFAULT 0");

        // Quotas and upload modes (issue 13): NULL is "the server's default" for the limits and
        // the umask, and "never counted" for the usage that `ferry user quota --scan` stores.
        AddColumnIfMissing(command, "quota_bytes", "INTEGER NULL");
        AddColumnIfMissing(command, "quota_files", "INTEGER NULL");
        AddColumnIfMissing(command, "umask", "INTEGER NULL");
        AddColumnIfMissing(command, "used_bytes", "INTEGER NULL");
        AddColumnIfMissing(command, "used_files", "INTEGER NULL");
        AddColumnIfMissing(command, "usage_counted_at", "INTEGER NULL");

        // Per-user rate limits (issue 15, set through the admin API): NULL is "the configuration's".
        AddColumnIfMissing(command, "download_rate_limit", "INTEGER NULL");
        AddColumnIfMissing(command, "upload_rate_limit", "INTEGER NULL");

        // Where the files live (issue 16): NULL is the local disk under home, "s3:NAME" an S3 profile.
        AddColumnIfMissing(command, "storage", "TEXT NULL");

        MigratePermissions(connection);
    }

    private static void AddColumnIfMissing(SqliteCommand command, string column, string definition)
    {
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('users') WHERE name = '{column}'";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            // Two processes may upgrade one store at once: the loser's duplicate column is no error.
            try
            {
                command.CommandText = $"ALTER TABLE users ADD COLUMN {column} {definition}";
                command.ExecuteNonQuery();
            }
            catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    /// <summary>
    /// The schema version, in SQLite's user_version: 0 before <see cref="UserPermissions.Overwrite"/>
    /// existed, 1 since. Version 0's Write meant "upload or change files" and its All (63) meant
    /// everything, so both keep their meaning: every row with Write gets Overwrite, which also
    /// turns the old All into today's. One transaction, so two processes opening an old store
    /// at once migrate it once.
    /// </summary>
    private static void MigratePermissions(SqliteConnection connection)
    {
        const int OldAll = 63;
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) >= 1)
        {
            return;
        }

        command.CommandText = "UPDATE users SET permissions = $all WHERE permissions = $oldAll";
        command.Parameters.AddWithValue("$all", (int)UserPermissions.All);
        command.Parameters.AddWithValue("$oldAll", OldAll);
        command.ExecuteNonQuery();
        command.Parameters.Clear();
        command.CommandText = "UPDATE users SET permissions = permissions | $overwrite WHERE permissions & $write <> 0";
        command.Parameters.AddWithValue("$overwrite", (int)UserPermissions.Overwrite);
        command.Parameters.AddWithValue("$write", (int)UserPermissions.Write);
        command.ExecuteNonQuery();
        command.Parameters.Clear();
        command.CommandText = "PRAGMA user_version = 1";
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    public ValueTask<FtpUser?> FindAsync(string name, CancellationToken cancellationToken) =>
        _database.FindAsync($"SELECT {Columns} FROM users WHERE name = $name", command => command.Parameters.AddWithValue("$name", name), Read, cancellationToken);

    public ValueTask<IReadOnlyList<FtpUser>> ListAsync(CancellationToken cancellationToken) =>
        _database.ListAsync($"SELECT {Columns} FROM users ORDER BY name", Read, cancellationToken);

    public ValueTask<bool> AddAsync(FtpUser user, CancellationToken cancellationToken) => _database.ChangeOneAsync(
        """
        INSERT INTO users (name, password_hash, home, permissions, disabled, require_tls, quota_bytes, quota_files, umask, download_rate_limit, upload_rate_limit, storage)
        VALUES ($name, $hash, $home, $permissions, $disabled, $requireTls, $quotaBytes, $quotaFiles, $umask, $downloadRate, $uploadRate, $storage)
        ON CONFLICT(name) DO NOTHING
        """,
        command => Bind(command, user),
        cancellationToken);

    public ValueTask<bool> UpdateAsync(FtpUser user, CancellationToken cancellationToken) => _database.ChangeOneAsync(
        """
        UPDATE users SET password_hash = $hash, home = $home, permissions = $permissions, disabled = $disabled, require_tls = $requireTls,
            quota_bytes = $quotaBytes, quota_files = $quotaFiles, umask = $umask,
            download_rate_limit = $downloadRate, upload_rate_limit = $uploadRate, storage = $storage
        WHERE name = $name
        """,
        command => Bind(command, user),
        cancellationToken);

    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        _database.ChangeOneAsync("DELETE FROM users WHERE name = $name", command => command.Parameters.AddWithValue("$name", name), cancellationToken);

    /// <summary>Stores a user's usage as counted by `ferry user quota --scan`; a running server takes it at the user's next login. False when there is no such user.</summary>
    public ValueTask<bool> SetScannedUsageAsync(string name, Quotas.StoredUsage usage, CancellationToken cancellationToken) => _database.ChangeOneAsync(
        "UPDATE users SET used_bytes = $bytes, used_files = $files, usage_counted_at = $at WHERE name = $name",
        command =>
        {
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$bytes", usage.Bytes);
            command.Parameters.AddWithValue("$files", usage.Files);
            command.Parameters.AddWithValue("$at", usage.At.ToUnixTimeMilliseconds());
        },
        cancellationToken);

    /// <summary>Closes the pooled connections, so the database file is no longer held open.</summary>
    public void Dispose() => _database.Dispose();

    private static void Bind(SqliteCommand command, FtpUser user)
    {
        command.Parameters.AddWithValue("$name", user.Name);
        command.Parameters.AddWithValue("$hash", user.PasswordHash);
        command.Parameters.AddWithValue("$home", user.HomeDirectory);
        command.Parameters.AddWithValue("$permissions", (int)user.Permissions);
        command.Parameters.AddWithValue("$disabled", user.Disabled ? 1 : 0);
        command.Parameters.AddWithValue("$requireTls", user.RequireTls ? 1 : 0);
        command.Parameters.AddWithValue("$quotaBytes", (object?)user.QuotaBytes ?? DBNull.Value);
        command.Parameters.AddWithValue("$quotaFiles", (object?)user.QuotaFiles ?? DBNull.Value);
        command.Parameters.AddWithValue("$umask", (object?)user.Umask ?? DBNull.Value);
        command.Parameters.AddWithValue("$downloadRate", (object?)user.DownloadRateLimit ?? DBNull.Value);
        command.Parameters.AddWithValue("$uploadRate", (object?)user.UploadRateLimit ?? DBNull.Value);
        command.Parameters.AddWithValue("$storage", string.IsNullOrEmpty(user.Storage) ? DBNull.Value : user.Storage);
    }

    private static FtpUser Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        (UserPermissions)reader.GetInt32(3),
        reader.GetInt32(4) != 0,
        reader.GetInt32(5) != 0,
        reader.IsDBNull(6) ? null : reader.GetInt64(6),
        reader.IsDBNull(7) ? null : reader.GetInt64(7),
        reader.IsDBNull(8) ? null : reader.GetInt32(8),
        reader.IsDBNull(11) ? null : new Quotas.StoredUsage(reader.GetInt64(9), reader.GetInt64(10), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11))),
        reader.IsDBNull(12) ? null : reader.GetInt64(12),
        reader.IsDBNull(13) ? null : reader.GetInt64(13),
        reader.IsDBNull(14) ? null : reader.GetString(14));
}
