using Ferry.Server.Security;

namespace Ferry.Server.Storage;

/// <summary>
/// Builds a logged-in user's file system (anonymous included), once per login. Asynchronous, and
/// given the whole account, so a backend can read per-user settings and reach remote storage.
/// A home that cannot be opened is a <see cref="StorageException"/>; the login then fails with 530.
/// </summary>
public interface IFileSystemFactory
{
    /// <summary>
    /// What the file systems this factory builds can do. FEAT and HELP before login answer from
    /// it (there is no user's backend yet), so it must not promise more than every file system it
    /// builds offers; after login the session's own <see cref="IFileSystem.Capabilities"/> decide.
    /// </summary>
    FileSystemCapabilities Capabilities { get; }

    ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken);
}
