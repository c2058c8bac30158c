using Ferry.Server.Connections;
using Ferry.Server.Diagnostics;

namespace Ferry.Server.Protocol;

/// <summary>
/// The one gate every command passes: table lookup, then the rules of its row in a fixed order
/// (transfer in progress, login, storage capability, argument, sequence), then the handler, which passes the
/// path it resolves to <see cref="PermissionGate"/> with the permission this row names.
/// </summary>
internal static class CommandDispatcher
{
    public static async ValueTask DispatchAsync(FtpConnection connection, FtpCommand command)
    {
        var spec = CommandTable.Find(command.Verb);

        // RNTO must come right after RNFR (RFC 959 §4.1.3): any other command, even a refused or
        // unknown one, forgets the RNFR.
        var renameFrom = connection.Session.RenameFrom;
        connection.Session.RenameFrom = null;
        if (spec is null)
        {
            await connection.ReplyAsync(FtpReplyCode.SyntaxError, $"'{Printable(command.Verb)}': command not understood.");
            return;
        }

        // While a transfer runs only ABOR, STAT, NOOP and QUIT are answered at once; anything else
        // waits for the transfer's final reply, so replies stay in command order.
        if (!spec.DuringTransfer)
        {
            await connection.WaitForTransferAsync();
        }

        var session = connection.Session;
        if (spec.Handler is null)
        {
            await connection.ReplyAsync(FtpReplyCode.CommandNotImplemented, $"{spec.Verb} not implemented.");
            return;
        }

        if (spec.NeedsLogin && !session.IsLoggedIn)
        {
            await connection.ReplyAsync(FtpReplyCode.NotLoggedIn, "Please log in with USER and PASS first.");
            return;
        }

        session.Command = spec;
        if (!spec.IsSupportedBy(StorageCapabilities.Of(connection)))
        {
            await RefuseUnsupportedAsync(connection, spec);
            return;
        }

        if (spec.Argument == ArgumentRule.Required && !command.HasArgument)
        {
            await connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, $"Syntax: {spec.Syntax}");
            return;
        }

        if (spec.Sequence == CommandSequence.CompletesRename)
        {
            if (renameFrom is null)
            {
                await connection.ReplyAsync(FtpReplyCode.BadSequence, "Bad sequence of commands: send RNFR first.");
                return;
            }

            session.RenameFrom = renameFrom;
        }

        // RFC 3659 §5.3: the REST offset is for the transfer right after it. A transfer verb that
        // does not resume (APPE, STOU) discards it, so it cannot apply to a later RETR or STOR.
        if (spec.DataUse is DataChannelUse.Download or DataChannelUse.Upload && spec.Sequence != CommandSequence.UsesRestartOffset)
        {
            session.RestartOffset = 0;
        }

        // The permission gate needs the path, which only the handler resolves: it reads this row's
        // permission through PermissionGate, the one place it is checked (a table-driven test
        // proves every verb with a permission refuses where a rule withholds it).
        await spec.Handler(connection, command.Argument);
    }

    /// <summary>
    /// The session's storage cannot do what the verb needs (MFMT without settable times): 502, the
    /// reply RFC 959 §4.2 gives for a command not implemented, so the client sees what a server
    /// without the verb would say, and FEAT did not offer it (RFC 2389 §3). 504 would claim the
    /// verb works with other parameters, which it does not. A transfer verb's prepared data
    /// connection is closed as for any refused transfer.
    /// </summary>
    private static async ValueTask RefuseUnsupportedAsync(FtpConnection connection, CommandSpec spec)
    {
        FerryLog.CommandNeedsCapability(connection.Logger, connection.Id, spec.Verb, spec.RequiresCapability);
        await connection.ReplyAsync(FtpReplyCode.CommandNotImplemented,
            $"{spec.Verb} is not available: this server's storage cannot {StorageCapabilities.Describe(spec.RequiresCapability)}.");
        if (spec.DataUse != DataChannelUse.None)
        {
            await connection.Session.SetDataChannelAsync(null);
        }
    }

    /// <summary>Echoes an unknown verb without control characters and at a bounded length.</summary>
    private static string Printable(string verb)
    {
        var clean = new string([.. verb.Where(c => !char.IsControl(c))]);
        return clean.Length > 20 ? clean[..20] + "..." : clean;
    }
}
