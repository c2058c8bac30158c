namespace Ferry.Server.Security;

/// <summary>Where accounts live: SQLite in the data folder now, PostgreSQL for several nodes later.</summary>
public interface IUserStore
{
    ValueTask<FtpUser?> FindAsync(string name, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<FtpUser>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds a user; false when the name is taken.</summary>
    ValueTask<bool> AddAsync(FtpUser user, CancellationToken cancellationToken);

    /// <summary>Replaces a user's record; false when there is no such user.</summary>
    ValueTask<bool> UpdateAsync(FtpUser user, CancellationToken cancellationToken);

    ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
