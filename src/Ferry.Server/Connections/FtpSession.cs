using Ferry.Server.DataChannels;
using Ferry.Server.Protocol.Listing;
using Ferry.Server.Security;
using Ferry.Server.Security.Tls;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Checksums;

namespace Ferry.Server.Connections;

/// <summary>The typed state of one control connection, reset by REIN (RFC 959 §4.1.1).</summary>
internal sealed class FtpSession
{
    public string? PendingUserName { get; set; }

    /// <summary>Wrong passwords in this connection; REIN does not reset it (it would reset the cap too).</summary>
    public int FailedLogins { get; set; }

    /// <summary>An operating-system permission refusal was logged in this connection (<see cref="OsPermissionRefusal"/>); REIN does not reset it.</summary>
    public bool OsPermissionRefusalLogged { get; set; }

    public FtpUser? User { get; private set; }

    /// <summary>The logged-in user's storage; owned by the session, disposed when the login ends (<see cref="ReleaseFileSystem"/>).</summary>
    public IFileSystem? FileSystem { get; private set; }

    public bool IsLoggedIn => User is not null;

    public bool IsAnonymous { get; private set; }

    /// <summary>The account's own permissions, before directory rules; checks go through <see cref="Protocol.PermissionGate"/>, which uses <see cref="Policy"/>.</summary>
    public UserPermissions Permissions => User?.Permissions ?? UserPermissions.None;

    /// <summary>What this login may do where (account and directory rules); built at its first check, dropped at any change of login.</summary>
    public PermissionPolicy? Policy { get; set; }

    /// <summary>The table row of the command being handled: the permission gate reads the permission it needs from it.</summary>
    public Protocol.CommandSpec? Command { get; set; }

    public VirtualPath CurrentDirectory { get; set; } = VirtualPath.Root;

    public TransferType TransferType { get; set; } = TransferType.Ascii;

    /// <summary>REST offset for the next RETR/STOR (RFC 3659 §5); consumed by that command.</summary>
    public long RestartOffset { get; set; }

    /// <summary>Set by RNFR, consumed by the RNTO that must follow it (RFC 959 §4.1.3).</summary>
    public VirtualPath? RenameFrom { get; set; }

    /// <summary>After EPSV ALL only EPSV may set up data connections (RFC 2428 §4).</summary>
    public bool EpsvAll { get; set; }

    /// <summary>RFC 7151: the virtual host named before login.</summary>
    public string? Host { get; set; }

    public IDataChannel? DataChannel { get; private set; }

    /// <summary>PBSZ was sent after AUTH (RFC 4217 §8); PROT needs it first.</summary>
    public bool ProtectionBufferSizeSet { get; set; }

    public DataProtection DataProtection { get; set; } = DataProtection.Clear;

    /// <summary>
    /// Which kinds of data connection of this login have resumed its TLS session: from then on
    /// every later one of that kind must (adaptive policy). Kept per kind because clients differ
    /// by kind (Perl's Net::FTP resumes on active connections, never on passive ones).
    /// </summary>
    public DataTlsResumption DataTlsResumed { get; set; }

    /// <summary>The MLSx facts selected by OPTS MLST (RFC 3659 §7.9); all by default, shared until changed.</summary>
    public IReadOnlySet<string> MlstFacts { get; set; } = MlsxFormatter.DefaultFacts;

    /// <summary>The algorithm HASH uses, chosen by OPTS HASH until REIN (draft-bryan-ftpext-hash §3.2).</summary>
    public ChecksumAlgorithm HashAlgorithm { get; set; } = ChecksumAlgorithm.Sha256;

    public string UserNameForLog => User?.Name ?? PendingUserName ?? "-";

    /// <summary>USER: any earlier login ends; transfer parameters stay (RFC 959 §4.1.1).</summary>
    public void BeginLogin(string? name)
    {
        PendingUserName = name;
        User = null;
        Policy = null;
        DataTlsResumed = DataTlsResumption.None;
        ReleaseFileSystem();
        IsAnonymous = false;
        CurrentDirectory = VirtualPath.Root;
    }

    public void LogIn(FtpUser user, IFileSystem fileSystem, bool anonymous)
    {
        User = user;
        Policy = null;
        ReleaseFileSystem();
        FileSystem = fileSystem;
        IsAnonymous = anonymous;
        CurrentDirectory = VirtualPath.Root;
    }

    /// <summary>
    /// Disposes the login's file system (the local one closes its root directory handle): at a new
    /// USER, REIN, AUTH, and when the connection ends, so no descriptor outlives its session
    /// waiting for a finalizer. Transfers have ended by then; their files are their own.
    /// </summary>
    public void ReleaseFileSystem()
    {
        var fileSystem = FileSystem;
        FileSystem = null;
        fileSystem?.Dispose();
    }

    /// <summary>Replaces the prepared data channel; the old one is closed (one listener per session, so a PASV flood holds one port).</summary>
    public async ValueTask SetDataChannelAsync(IDataChannel? channel)
    {
        var previous = DataChannel;
        DataChannel = channel;
        if (previous is not null)
        {
            await previous.DisposeAsync();
        }
    }

    /// <summary>Hands the prepared channel to a transfer, which then owns it.</summary>
    public IDataChannel? TakeDataChannel()
    {
        var channel = DataChannel;
        DataChannel = null;
        return channel;
    }

    public async ValueTask ResetAsync()
    {
        await SetDataChannelAsync(null);
        PendingUserName = null;
        User = null;
        Policy = null;
        ReleaseFileSystem();
        IsAnonymous = false;
        CurrentDirectory = VirtualPath.Root;
        TransferType = TransferType.Ascii;
        RestartOffset = 0;
        RenameFrom = null;
        EpsvAll = false;
        Host = null;

        // The control connection stays encrypted (it cannot be unwrapped safely), but data
        // protection starts over, as after a fresh AUTH.
        ProtectionBufferSizeSet = false;
        DataProtection = DataProtection.Clear;
        DataTlsResumed = DataTlsResumption.None;
        MlstFacts = MlsxFormatter.DefaultFacts;
        HashAlgorithm = ChecksumAlgorithm.Sha256;
    }
}
