using Ferry.Server.Connections;
using Ferry.Server.Protocol;
using Ferry.Server.Storage;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// Where the engine records what a user changed and what it was refused: one audit record at the
/// default level (FerryLog 7100-7103), also handed to every <see cref="IServerEventSink"/>
/// (<see cref="ServerEvents.Audited"/>). Called from the permission gate (every refusal of a
/// permission), from the storage-error paths of transfers (<see cref="TransferRunner"/>, the
/// transfer opens), and by the handlers that change something, through <see cref="RunAsync"/>.
/// </summary>
internal static class AuditTrail
{
    private const string DoneOutcome = "done";
    private const string RefusedOutcome = "refused";

    /// <summary>Runs a change (DELE, RNTO, MKD, RMD, SITE CHMOD, MFMT) and records it: done, or refused with the storage's reason (the exception goes on to the one reply mapping).</summary>
    public static async ValueTask RunAsync(FtpConnection connection, AuditAction action, VirtualPath path, VirtualPath? target, Func<ValueTask> change)
    {
        try
        {
            await change();
        }
        catch (StorageException e)
        {
            Refused(connection, CurrentVerb(connection), action, path.Value, target?.Value, StorageReason(e.Kind));
            throw;
        }

        Done(connection, CurrentVerb(connection), action, path.Value, target?.Value);
    }

    public static void Done(FtpConnection connection, string verb, AuditAction action, string path, string? target = null) =>
        Record(connection, verb, action, path, target, reason: null);

    public static void Refused(FtpConnection connection, string verb, AuditAction action, string path, string? target, string reason) =>
        Record(connection, verb, action, path, target, reason);

    /// <summary>The verb of the command being handled; a transfer's end names its own (the session may be answering NOOP by then).</summary>
    public static string CurrentVerb(FtpConnection connection) => connection.Session.Command?.Verb ?? "-";

    /// <summary>The change the command being handled makes (its table row's Audit column).</summary>
    public static AuditAction CurrentAction(FtpConnection connection) => connection.Session.Command?.Audit ?? AuditAction.Other;

    /// <summary>A storage failure in the audit's words: the text the client got.</summary>
    public static string StorageReason(StorageErrorKind kind) => StorageReplies.For(kind).Text;

    private static void Record(FtpConnection connection, string verb, AuditAction action, string path, string? target, string? reason)
    {
        // SITE's one audited sub-command is CHMOD; the record names it.
        verb = action == AuditAction.Chmod ? "SITE CHMOD" : verb;
        var user = connection.Session.UserNameForLog;
        var address = connection.RemoteAddress;
        var name = AuditActions.Name(action);
        var logger = connection.Logger;
        switch (reason, target)
        {
            case (null, null):
                FerryLog.AuditDone(logger, connection.Id, DoneOutcome, name, path, verb, user, address);
                break;
            case (null, { } renamedTo):
                FerryLog.AuditDoneWithTarget(logger, connection.Id, DoneOutcome, name, path, renamedTo, verb, user, address);
                break;
            case ({ } why, null):
                FerryLog.AuditRefused(logger, connection.Id, RefusedOutcome, name, path, verb, user, address, why);
                break;
            case ({ } why, { } renamedTo):
                FerryLog.AuditRefusedWithTarget(logger, connection.Id, RefusedOutcome, name, path, renamedTo, verb, user, address, why);
                break;
        }

        var events = connection.Server.Events;
        if (!events.IsEmpty)
        {
            events.Audited(new AuditRecord(connection.Id, address, user, verb, action, path, target, Refused: reason is not null, reason));
        }
    }
}
