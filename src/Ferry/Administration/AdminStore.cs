using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ferry.Server.Security;
using Microsoft.Data.Sqlite;

namespace Ferry.Administration;

/// <summary>
/// Admin accounts and API tokens, in the user store's database (users.db) beside the FTP users,
/// in tables of their own: an FTP login never sees an admin and an admin login never sees an FTP
/// user. Tables are created on first use, as <see cref="Server.Security.SqliteUserStore"/> creates
/// its own. Tokens are 32 random bytes shown once; only their SHA-256 is kept (a token has 256 bits
/// of entropy, so a fast hash suffices where a password needs PBKDF2), and a request's token is
/// found by that hash.
/// </summary>
internal sealed class AdminStore : IDisposable
{
    private const string AdminColumns = "name, password_hash, role, disabled";
    private const string TokenColumns = "id, name, role, created_at, created_by, cli";

    private readonly SqliteDatabase _database;

    public AdminStore(string databasePath)
    {
        _database = new SqliteDatabase(databasePath);
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS admins (
                name TEXT PRIMARY KEY NOT NULL,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS api_tokens (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                token_sha256 BLOB NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                created_by TEXT NOT NULL,
                cli INTEGER NOT NULL DEFAULT 0
            );
            """;
        command.ExecuteNonQuery();
    }

    public static string PathIn(string dataDir) => Path.Combine(dataDir, "users.db");

    public ValueTask<AdminAccount?> FindAdminAsync(string name, CancellationToken cancellationToken) =>
        _database.FindAsync($"SELECT {AdminColumns} FROM admins WHERE name = $name", command => command.Parameters.AddWithValue("$name", name), ReadAdmin, cancellationToken);

    public ValueTask<IReadOnlyList<AdminAccount>> ListAdminsAsync(CancellationToken cancellationToken) =>
        _database.ListAsync($"SELECT {AdminColumns} FROM admins ORDER BY name", ReadAdmin, cancellationToken);

    /// <summary>Adds an admin; false when the name is taken.</summary>
    public ValueTask<bool> AddAdminAsync(AdminAccount admin, CancellationToken cancellationToken) => _database.ChangeOneAsync(
        "INSERT INTO admins (name, password_hash, role, disabled) VALUES ($name, $hash, $role, $disabled) ON CONFLICT(name) DO NOTHING",
        command => BindAdmin(command, admin),
        cancellationToken);

    /// <summary>Replaces an admin's record; false when there is none.</summary>
    public ValueTask<bool> UpdateAdminAsync(AdminAccount admin, CancellationToken cancellationToken) => _database.ChangeOneAsync(
        "UPDATE admins SET password_hash = $hash, role = $role, disabled = $disabled WHERE name = $name",
        command => BindAdmin(command, admin),
        cancellationToken);

    public ValueTask<bool> DeleteAdminAsync(string name, CancellationToken cancellationToken) =>
        _database.ChangeOneAsync("DELETE FROM admins WHERE name = $name", command => command.Parameters.AddWithValue("$name", name), cancellationToken);

    /// <summary>
    /// A new token: the secret (shown once; base64url of 32 random bytes) and its record. With
    /// <paramref name="cli"/>, every earlier CLI token is revoked in the same transaction.
    /// </summary>
    public async ValueTask<(string Secret, ApiToken Token)> CreateTokenAsync(string name, string role, string createdBy, bool cli, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var connection = _database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        if (cli)
        {
            command.CommandText = "DELETE FROM api_tokens WHERE cli = 1";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        command.CommandText = """
            INSERT INTO api_tokens (name, role, token_sha256, created_at, created_by, cli) VALUES ($name, $role, $hash, $at, $by, $cli);
            SELECT last_insert_rowid();
            """;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$role", role);
        command.Parameters.AddWithValue("$hash", Sha256(secret));
        command.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$by", createdBy);
        command.Parameters.AddWithValue("$cli", cli ? 1 : 0);
        var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        await transaction.CommitAsync(cancellationToken);
        return (secret, new ApiToken(id, name, role, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()), createdBy, cli));
    }

    /// <summary>The token whose secret is <paramref name="secret"/>; null when none (or revoked).</summary>
    public ValueTask<ApiToken?> FindTokenAsync(string secret, CancellationToken cancellationToken) =>
        _database.FindAsync($"SELECT {TokenColumns} FROM api_tokens WHERE token_sha256 = $hash", command => command.Parameters.AddWithValue("$hash", Sha256(secret)), ReadToken, cancellationToken);

    public ValueTask<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken) =>
        _database.ListAsync($"SELECT {TokenColumns} FROM api_tokens ORDER BY id", ReadToken, cancellationToken);

    /// <summary>Revokes a token: the record goes; false when there was none.</summary>
    public ValueTask<bool> DeleteTokenAsync(long id, CancellationToken cancellationToken) =>
        _database.ChangeOneAsync("DELETE FROM api_tokens WHERE id = $id", command => command.Parameters.AddWithValue("$id", id), cancellationToken);

    /// <summary>Closes the pooled connections, so the database file is no longer held open.</summary>
    public void Dispose() => _database.Dispose();

    private static byte[] Sha256(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void BindAdmin(SqliteCommand command, AdminAccount admin)
    {
        command.Parameters.AddWithValue("$name", admin.Name);
        command.Parameters.AddWithValue("$hash", admin.PasswordHash);
        command.Parameters.AddWithValue("$role", admin.Role);
        command.Parameters.AddWithValue("$disabled", admin.Disabled ? 1 : 0);
    }

    private static AdminAccount ReadAdmin(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3) != 0);

    private static ApiToken ReadToken(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), reader.GetString(4), reader.GetInt32(5) != 0);
}
