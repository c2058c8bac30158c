using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol;

/// <summary>One row of the command table: a verb, its rules (the dispatcher's gates) and its documentation.</summary>
/// <param name="Verb">The upper-case verb.</param>
/// <param name="Handler">Null when the verb is known but not implemented (502).</param>
/// <param name="NeedsLogin">Before login: 530.</param>
/// <param name="Argument">The argument gate.</param>
/// <param name="Permission">The user permission required (550 without it).</param>
/// <param name="DuringTransfer">Answered at once while a transfer runs (ABOR, STAT, NOOP, QUIT); others wait for it to end.</param>
/// <param name="Rfc">Where the verb is specified, for HELP and docs/rfc-compliance.md.</param>
/// <param name="Syntax">The HELP line.</param>
/// <param name="Feature">Its FEAT line (RFC 2389), if it has one.</param>
/// <param name="Notes">What docs/rfc-compliance.md says about Ferry's support.</param>
/// <param name="DataUse">
/// The data connection it uses: a refusal closes the prepared one (the client gets the reply, then
/// a FIN rather than a hang), and an upload's TLS reads ahead and checks close_notify.
/// </param>
/// <param name="Sequence">Its place in RNFR→RNTO or REST→RETR/STOR, which the dispatcher enforces.</param>
/// <param name="RequiresCapability">
/// What the session's storage must offer: without it the verb is left out of FEAT and HELP and the
/// dispatcher answers 502, as a server without the verb would.
/// </param>
/// <param name="RequiresTls">Only offered (FEAT) when the server has a certificate.</param>
/// <param name="SecretArgument">The argument is masked in the log (PASS).</param>
/// <param name="Audit">
/// The change it makes, for the audit record of a refusal decided before the handler runs (the
/// permission gate) and of its outcome; <see cref="AuditAction.Other"/> for verbs that change nothing.
/// </param>
/// <remarks>
/// The columns after <paramref name="Notes"/> are optional so that most rows, which need none of
/// them, stay one positional line; rows that need one name it (<c>DataUse: DataChannelUse.Download</c>).
/// </remarks>
internal sealed record CommandSpec(
    string Verb,
    CommandHandler? Handler,
    bool NeedsLogin,
    ArgumentRule Argument,
    UserPermissions Permission,
    bool DuringTransfer,
    string Rfc,
    string Syntax,
    string? Feature,
    string Notes,
    DataChannelUse DataUse = DataChannelUse.None,
    CommandSequence Sequence = CommandSequence.None,
    FileSystemCapabilities RequiresCapability = FileSystemCapabilities.None,
    bool RequiresTls = false,
    bool SecretArgument = false,
    AuditAction Audit = AuditAction.Other)
{
    public bool IsImplemented => Handler is not null;

    /// <summary>Whether storage with <paramref name="capabilities"/> can carry out this verb.</summary>
    public bool IsSupportedBy(FileSystemCapabilities capabilities) => capabilities.HasFlag(RequiresCapability);
}
