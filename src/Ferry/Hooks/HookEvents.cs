using Ferry.Server.Diagnostics;
using Ferry.Server.Protocol;
using Ferry.Server.Security;

namespace Ferry.Hooks;

/// <summary>The engine's records as hook events: which event each is (or none), and its fields.</summary>
internal static class HookEvents
{
    /// <summary>The event name of a transfer: null for a listing.</summary>
    public static string? NameOf(in TransferRecord transfer) => transfer.Use switch
    {
        DataChannelUse.Upload => transfer.Completed ? HookEventNames.Upload : HookEventNames.UploadFailed,
        DataChannelUse.Download => transfer.Completed ? HookEventNames.Download : HookEventNames.DownloadFailed,
        _ => null,
    };

    /// <summary>The event name of an audited operation: null for a refused one and for actions hooks do not report.</summary>
    public static string? NameOf(in AuditRecord audit) => audit.Refused ? null : audit.Action switch
    {
        AuditAction.Delete => HookEventNames.Delete,
        AuditAction.Rename => HookEventNames.Rename,
        AuditAction.MakeDirectory => HookEventNames.MakeDirectory,
        AuditAction.RemoveDirectory => HookEventNames.RemoveDirectory,
        _ => null,
    };

    public static HookEvent From(string name, in TransferRecord transfer, DateTimeOffset time) => new()
    {
        Name = name,
        Id = HookEvent.NewId(),
        Time = time,
        SessionId = transfer.SessionId,
        User = transfer.User,
        Anonymous = transfer.Anonymous ? true : null,
        RemoteAddress = transfer.RemoteAddress.ToString(),
        Verb = transfer.Verb,
        Path = transfer.Path,
        Size = transfer.Bytes,
        Sha256 = transfer.Sha256,
        Direction = transfer.Use == DataChannelUse.Upload ? "upload" : "download",
        // The metric's fixed words (ok, aborted, connection_lost, ...); the text for people in "reason".
        Result = TransferResult.Of(transfer),
        Reason = transfer.Completed ? null : transfer.Result,
        Tls = transfer.Tls,
        Duration = transfer.Duration.TotalSeconds,
    };

    public static HookEvent From(string name, in AuditRecord audit, DateTimeOffset time) => new()
    {
        Name = name,
        Id = HookEvent.NewId(),
        Time = time,
        SessionId = audit.SessionId,
        User = audit.User,
        RemoteAddress = audit.RemoteAddress.ToString(),
        Verb = audit.Verb,
        Path = audit.Path,
        Target = audit.Target,
    };

    public static HookEvent From(in LoginRecord login, DateTimeOffset time) => new()
    {
        Name = login.Succeeded ? HookEventNames.Login : HookEventNames.LoginFailed,
        Id = HookEvent.NewId(),
        Time = time,
        SessionId = login.SessionId,
        User = login.User,
        Anonymous = login.Anonymous,
        RemoteAddress = login.RemoteAddress.ToString(),
        Tls = login.Tls,
    };

    public static HookEvent From(in BanRecord ban, DateTimeOffset time) => new()
    {
        Name = HookEventNames.Ban,
        Id = HookEvent.NewId(),
        Time = time,
        Network = ban.Network,
        Until = ban.BannedUntil,
        Manual = ban.Manual,
        Reason = ban.Reason,
    };

    public static HookEvent From(in SessionRecord session, DateTimeOffset time) => new()
    {
        Name = HookEventNames.SessionEnd,
        Id = HookEvent.NewId(),
        Time = time,
        SessionId = session.SessionId,
        // "-": the session never logged in.
        User = session.User == "-" ? null : session.User,
        RemoteAddress = session.RemoteAddress.ToString(),
        Duration = session.Duration.TotalSeconds,
        End = EndName(session.End),
    };

    /// <summary>An upload put to a veto hook: "pre-upload" (nothing received yet) or "pre-commit" (every byte in).</summary>
    public static HookEvent From(string name, UploadCheck upload, DateTimeOffset time) => new()
    {
        Name = name,
        Id = HookEvent.NewId(),
        Time = time,
        SessionId = upload.SessionId,
        User = upload.User,
        RemoteAddress = upload.RemoteAddress.ToString(),
        Verb = upload.Verb,
        Path = upload.Path,
        Offset = name == HookEventNames.PreUpload ? upload.Offset : null,
        Size = name == HookEventNames.PreCommit ? upload.Bytes : null,
        LocalFile = upload.LocalFile,
    };

    /// <summary>The payload's words for <see cref="SessionEnd"/>: fixed, whatever the enum's names become.</summary>
    private static string EndName(SessionEnd end) => end switch
    {
        SessionEnd.Quit => "quit",
        SessionEnd.ClientClosed => "client-closed",
        SessionEnd.Timeout => "timeout",
        SessionEnd.Evicted => "evicted",
        SessionEnd.ServerClosed => "server-closed",
        SessionEnd.Shutdown => "shutdown",
        SessionEnd.Kicked => "kicked",
        SessionEnd.TlsFailed => "tls-failed",
        _ => "error",
    };
}
