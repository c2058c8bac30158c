using Ferry.Server.Diagnostics;
using Ferry.Server.Protocol;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Connections;

/// <summary>
/// Puts an upload to the server's <see cref="IUploadPolicy"/> (a pre-upload hook), before it
/// starts and before it commits, and turns a refusal into the reply the client reads: 550 for a
/// policy (RFC 959 "file unavailable, not allowed"), 552 for a lack of room. Without a policy it
/// costs one null check.
/// </summary>
internal static class UploadPolicyCheck
{
    /// <summary>A reason longer than this is cut: one reply line, not a report.</summary>
    private const int MaxReasonLength = 200;

    /// <summary>Null when the upload may start; otherwise the reply that refuses it.</summary>
    public static async ValueTask<(FtpReplyCode Code, string Text)?> BeforeUploadAsync(FtpConnection connection, string verb, VirtualPath path, long offset)
    {
        if (connection.Server.UploadPolicy is not { } policy || connection.Session.User is not { } user)
        {
            return null;
        }

        var check = new UploadCheck(connection.Id, connection.RemoteAddress, user.Name, verb, path.Value, offset, 0, LocalFile: null);
        var verdict = await policy.BeforeUploadAsync(check, connection.Closing);
        return Refusal(connection, verb, path, verdict);
    }

    /// <summary>Null when the upload may commit; otherwise the reply that refuses it (the caller aborts the upload).</summary>
    public static async ValueTask<(FtpReplyCode Code, string Text)?> BeforeCommitAsync(FtpConnection connection, string verb, IUpload upload, long bytes, CancellationToken cancellationToken)
    {
        if (connection.Server.UploadPolicy is not { } policy || connection.Session.User is not { } user)
        {
            return null;
        }

        // The upload's own descriptor, reopened through /proc by whoever scans it: the bytes just
        // written, whatever happens to the path meanwhile.
        var localFile = upload.TryGetLocalFile(out var file) && !file.SafeFileHandle.IsInvalid
            ? $"/proc/{Environment.ProcessId}/fd/{file.SafeFileHandle.DangerousGetHandle()}"
            : null;
        var check = new UploadCheck(connection.Id, connection.RemoteAddress, user.Name, verb, upload.Path.Value, -1, bytes, localFile);
        var verdict = await policy.BeforeCommitAsync(check, cancellationToken);
        if (!verdict.Allowed)
        {
            // Refused bytes (a virus) are not an interrupted upload to resume: nothing is kept.
            upload.DiscardOnAbort();
        }

        return Refusal(connection, verb, upload.Path, verdict);
    }

    private static (FtpReplyCode Code, string Text)? Refusal(FtpConnection connection, string verb, VirtualPath path, UploadVerdict verdict)
    {
        if (verdict.Allowed)
        {
            return null;
        }

        var reason = OneLine(verdict.Reason);
        AuditTrail.Refused(connection, verb, AuditAction.Upload, path.Value, null, "upload policy: " + reason);
        return verdict.QuotaLike
            ? (FtpReplyCode.ExceededStorageAllocation, "Upload refused: " + reason)
            : (FtpReplyCode.FileUnavailable, "Upload refused: " + reason);
    }

    /// <summary>Printable text on one line: a hook's output never splits or forges a reply.</summary>
    private static string OneLine(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return "refused by the server's upload policy.";
        }

        var text = new string([.. reason.Trim().Select(c => char.IsControl(c) ? ' ' : c)]);
        return text.Length > MaxReasonLength ? text[..MaxReasonLength] + "..." : text;
    }
}
