using Microsoft.Data.Sqlite;

namespace Ferry.Server.Security;

/// <summary>
/// One SQLite file (users.db) and the three shapes every query of its stores takes: find one row,
/// list rows, change one row. The FTP users (<see cref="SqliteUserStore"/>) and the admin accounts
/// and tokens (the host's AdminStore) share the file and this piece; each store keeps its own SQL,
/// binding and row reading. Connections are pooled, so a query opens one cheaply.
/// </summary>
internal sealed class SqliteDatabase(string databasePath) : IDisposable
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
    }.ToString();

    /// <summary>An open connection, for what the three shapes do not cover (schema, transactions).</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>The first row <paramref name="sql"/> returns, read by <paramref name="read"/>; null when none.</summary>
    public async ValueTask<T?> FindAsync<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }

    /// <summary>Every row <paramref name="sql"/> returns, read by <paramref name="read"/>.</summary>
    public async ValueTask<IReadOnlyList<T>> ListAsync<T>(string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Runs an INSERT, UPDATE or DELETE meant for one row; true when it changed exactly one.</summary>
    public async ValueTask<bool> ChangeOneAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Closes the pooled connections, so the database file is no longer held open.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
