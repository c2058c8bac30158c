using Ferry.Server.Security;

namespace Ferry.Hosting;

/// <summary>
/// The user store as the server sees it before it exists. `ferry serve` binds its ports before it
/// creates users.db or a first user (a port in use must leave no store and print no password
/// behind), yet the server takes its store when it is built. A login that arrives in the moment
/// between listening and <see cref="Open"/> waits for the store instead of failing.
/// </summary>
internal sealed class DeferredUserStore : IUserStore
{
    private readonly TaskCompletionSource<IUserStore> _store = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open(IUserStore store) => _store.SetResult(store);

    public async ValueTask<FtpUser?> FindAsync(string name, CancellationToken cancellationToken) =>
        await (await Store(cancellationToken)).FindAsync(name, cancellationToken);

    public async ValueTask<IReadOnlyList<FtpUser>> ListAsync(CancellationToken cancellationToken) =>
        await (await Store(cancellationToken)).ListAsync(cancellationToken);

    public async ValueTask<bool> AddAsync(FtpUser user, CancellationToken cancellationToken) =>
        await (await Store(cancellationToken)).AddAsync(user, cancellationToken);

    public async ValueTask<bool> UpdateAsync(FtpUser user, CancellationToken cancellationToken) =>
        await (await Store(cancellationToken)).UpdateAsync(user, cancellationToken);

    public async ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        await (await Store(cancellationToken)).DeleteAsync(name, cancellationToken);

    private Task<IUserStore> Store(CancellationToken cancellationToken) => _store.Task.WaitAsync(cancellationToken);
}
