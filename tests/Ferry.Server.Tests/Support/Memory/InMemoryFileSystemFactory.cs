using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Tests.Support.Memory;

/// <summary>
/// Builds every login's <see cref="InMemoryFileSystem"/> over one <see cref="InMemoryVolume"/>:
/// each user's root is the whole volume (a test server has one user that matters), and two
/// logins see each other's files, as two logins of one user on local disk do.
/// </summary>
public sealed class InMemoryFileSystemFactory(InMemoryVolume volume, FileSystemCapabilities optional = InMemoryFileSystem.OptionalCapabilities)
    : IFileSystemFactory
{
    public InMemoryVolume Volume { get; } = volume;

    public FileSystemCapabilities Capabilities => InMemoryFileSystem.Always | optional;

    /// <summary>For <c>TestServer.StartAsync(fileSystemFactory: factory.Create)</c>.</summary>
    public IFileSystem Create(FtpUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new InMemoryFileSystem(Volume, optional);
    }

    public ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Create(user));
    }
}
