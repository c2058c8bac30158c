using Ferry.Server.Security;

namespace Ferry.Server.Storage.Local;

/// <summary>The default backend: each user's home folder on local disk.</summary>
public sealed class LocalFileSystemFactory(FtpServerOptions options) : IFileSystemFactory
{
    public FileSystemCapabilities Capabilities => LocalFileSystem.Supported;

    public ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IFileSystem>(new LocalFileSystem(user.HomeDirectory, options.AllowHardLinkWrites));
    }
}
