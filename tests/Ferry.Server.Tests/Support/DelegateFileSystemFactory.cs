using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Tests.Support;

/// <summary>A test's file system factory given as a function (a backend variant or a wrapper per test).</summary>
/// <param name="create">Builds a login's file system.</param>
/// <param name="capabilities">What those file systems offer, for FEAT and HELP before login.</param>
internal sealed class DelegateFileSystemFactory(Func<FtpUser, IFileSystem> create, FileSystemCapabilities capabilities) : IFileSystemFactory
{
    public FileSystemCapabilities Capabilities => capabilities;

    public ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken) => ValueTask.FromResult(create(user));
}
