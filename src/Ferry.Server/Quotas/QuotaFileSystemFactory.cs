using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Quotas;

/// <summary>Puts every login's backend under its user's quota, whichever backend the factory it wraps builds.</summary>
internal sealed class QuotaFileSystemFactory(IFileSystemFactory inner, QuotaRegistry quotas) : IFileSystemFactory
{
    public FileSystemCapabilities Capabilities => inner.Capabilities;

    public async ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken)
    {
        var fileSystem = await inner.CreateAsync(user, cancellationToken);
        try
        {
            return await quotas.ForLoginAsync(user, fileSystem, cancellationToken) is { } account
                ? new QuotaFileSystem(fileSystem, account)
                : fileSystem;
        }
        catch
        {
            fileSystem.Dispose();
            throw;
        }
    }
}
