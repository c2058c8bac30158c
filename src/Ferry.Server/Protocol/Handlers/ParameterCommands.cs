using Ferry.Server.Connections;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>TYPE, STRU, MODE (RFC 959 §4.1.2); only what every client uses is accepted, the rest gets 504.</summary>
internal static class ParameterCommands
{
    public static ValueTask TypeAsync(FtpConnection connection, string argument)
    {
        var parts = argument.ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        TransferType? type = parts switch
        {
            // "A" or "A N" (non-print format, the default); "I"; "L 8" is a byte size of 8 = image.
            ["A"] or ["A", "N"] => TransferType.Ascii,
            ["I"] or ["L", "8"] or ["L8"] => TransferType.Image,
            _ => null,
        };
        if (type is null)
        {
            return connection.ReplyAsync(parts is ["A" or "I" or "E" or "L", ..] or ["L", _]
                ? FtpReplyCode.ParameterNotImplemented
                : FtpReplyCode.SyntaxErrorInParameters, "Type " + argument + " not supported; use A or I.");
        }

        connection.Session.TransferType = type.Value;
        return connection.ReplyAsync(FtpReplyCode.CommandOkay, type == TransferType.Ascii ? "Type set to A." : "Type set to I.");
    }

    public static ValueTask StruAsync(FtpConnection connection, string argument) =>
        argument.ToUpperInvariant() switch
        {
            "F" => connection.ReplyAsync(FtpReplyCode.CommandOkay, "Structure set to F."),
            "R" or "P" => connection.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "Only file structure (F) is supported."),
            _ => connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "Syntax: STRU F"),
        };

    public static ValueTask ModeAsync(FtpConnection connection, string argument) =>
        argument.ToUpperInvariant() switch
        {
            "S" => connection.ReplyAsync(FtpReplyCode.CommandOkay, "Mode set to S."),
            "B" or "C" or "Z" => connection.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "Only stream mode (S) is supported."),
            _ => connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "Syntax: MODE S"),
        };
}
