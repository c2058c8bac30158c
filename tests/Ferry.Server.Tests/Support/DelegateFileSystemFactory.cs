using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Tests.Support;

/// <summary>A test's file system factory given as a function (a backend variant or a wrapper per test).</summary>
internal sealed class DelegateFileSystemFactory(Func<FtpUser, IFileSystem> create) : IFileSystemFactory
{
    public ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken) => ValueTask.FromResult(create(user));
}
