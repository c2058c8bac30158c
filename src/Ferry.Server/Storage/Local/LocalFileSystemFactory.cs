using System.Runtime.InteropServices;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Server.Storage.Local;

/// <summary>The default backend: each user's home folder on local disk, new entries with the user's upload modes.</summary>
public sealed class LocalFileSystemFactory(FtpServerOptions options, ILogger? logger = null) : IFileSystemFactory
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var modes = UploadModes.For(user, options);
        return ValueTask.FromResult<IFileSystem>(new LocalFileSystem(user.HomeDirectory, options.AllowHardLinkWrites, modes)
        {
            OwnerChangeFailed = (path, errno) =>
                FerryLog.UploadChownFailed(_logger, user.Name, path.Value, modes.Uid, modes.Gid, Marshal.GetPInvokeErrorMessage(errno)),
        });
    }
}
