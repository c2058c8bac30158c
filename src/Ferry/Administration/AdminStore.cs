using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
    private readonly string _connectionString;

    public AdminStore(string databasePath)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();

        using var connection = Open();
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

    public async ValueTask<AdminAccount?> FindAdminAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, password_hash, role, disabled FROM admins WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAdmin(reader) : null;
    }

    public async ValueTask<IReadOnlyList<AdminAccount>> ListAdminsAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, password_hash, role, disabled FROM admins ORDER BY name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var admins = new List<AdminAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            admins.Add(ReadAdmin(reader));
        }

        return admins;
    }

    /// <summary>Adds an admin; false when the name is taken.</summary>
    public async ValueTask<bool> AddAdminAsync(AdminAccount admin, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO admins (name, password_hash, role, disabled) VALUES ($name, $hash, $role, $disabled) ON CONFLICT(name) DO NOTHING";
        BindAdmin(command, admin);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Replaces an admin's record; false when there is none.</summary>
    public async ValueTask<bool> UpdateAdminAsync(AdminAccount admin, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE admins SET password_hash = $hash, role = $role, disabled = $disabled WHERE name = $name";
        BindAdmin(command, admin);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> DeleteAdminAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM admins WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// A new token: the secret (shown once; base64url of 32 random bytes) and its record. With
    /// <paramref name="cli"/>, every earlier CLI token is revoked in the same transaction.
    /// </summary>
    public async ValueTask<(string Secret, ApiToken Token)> CreateTokenAsync(string name, string role, string createdBy, bool cli, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var connection = Open();
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
    public async ValueTask<ApiToken?> FindTokenAsync(string secret, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, role, created_at, created_by, cli FROM api_tokens WHERE token_sha256 = $hash";
        command.Parameters.AddWithValue("$hash", Sha256(secret));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadToken(reader) : null;
    }

    public async ValueTask<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, role, created_at, created_by, cli FROM api_tokens ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tokens = new List<ApiToken>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(ReadToken(reader));
        }

        return tokens;
    }

    /// <summary>Revokes a token: the record goes; false when there was none.</summary>
    public async ValueTask<bool> DeleteTokenAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM api_tokens WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Closes the pooled connections, so the database file is no longer held open.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

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
