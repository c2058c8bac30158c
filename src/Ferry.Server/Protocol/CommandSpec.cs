using Ferry.Server.Security;

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
    string Notes)
{
    public bool IsImplemented => Handler is not null;
}
