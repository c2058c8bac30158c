using System.Runtime.InteropServices;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Server.Storage.Local;

/// <summary>The default backend: each user's home folder on local disk, new entries with the user's upload modes.</summary>
public sealed class LocalFileSystemFactory(FtpServerOptions options, ILogger? logger = null) : IFileSystemFactory
{
    private FtpServerOptions _options = options;

    /// <summary>A reload: the next logins get the new upload settings (atomic uploads, modes, sync).</summary>
    internal void Reconfigure(FtpServerOptions next) => _options = next;

    public FileSystemCapabilities Capabilities => LocalFileSystem.Supported;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>One for the server, so each folder is swept for a killed server's leftovers once per process, not once per login.</summary>
    private readonly StaleUploadSweeper _sweeper = new(logger ?? NullLogger.Instance);

    public ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = _options;
        var modes = UploadModes.For(user, options);
        return ValueTask.FromResult<IFileSystem>(
            new LocalFileSystem(user.HomeDirectory, options.AllowHardLinkWrites, useOpenat2: true, options.AbortedUploads, _sweeper, _logger, options.SyncUploads, modes)
            {
                AtomicUploads = options.AtomicUploads,
                OwnerChangeFailed = (path, errno) =>
                    FerryLog.UploadChownFailed(_logger, user.Name, path.Value, modes.Uid, modes.Gid, Marshal.GetPInvokeErrorMessage(errno)),
            });
    }
}
