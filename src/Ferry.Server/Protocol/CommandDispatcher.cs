using Ferry.Server.Connections;

namespace Ferry.Server.Protocol;

/// <summary>
/// The one gate every command passes: table lookup, then the rules of its row in a fixed order
/// (transfer in progress, login, argument, sequence), then the handler, which passes the
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

        if (spec.Argument == ArgumentRule.Required && !command.HasArgument)
        {
            await connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, $"Syntax: {spec.Syntax}");
            return;
        }

        if (spec.Verb == "RNTO")
        {
            if (renameFrom is null)
            {
                await connection.ReplyAsync(FtpReplyCode.BadSequence, "Bad sequence of commands: send RNFR first.");
                return;
            }

            session.RenameFrom = renameFrom;
        }

        // The permission gate needs the path, which only the handler resolves: it reads this row's
        // permission through PermissionGate, the one place it is checked (a table-driven test
        // proves every verb with a permission refuses where a rule withholds it).
        session.Command = spec;
        await spec.Handler(connection, command.Argument);
    }

    /// <summary>Echoes an unknown verb without control characters and at a bounded length.</summary>
    private static string Printable(string verb)
    {
        var clean = new string([.. verb.Where(c => !char.IsControl(c))]);
        return clean.Length > 20 ? clean[..20] + "..." : clean;
    }
}
