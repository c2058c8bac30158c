using System.CommandLine;
using System.Globalization;

namespace Ferry.Commands;

/// <summary>
/// `ferry kick SESSION` or `ferry kick --user NAME`: disconnects a session (or every session of a
/// user) of the running server; a running transfer ends with 426 and the client reads 421.
/// </summary>
internal static class KickCommand
{
    public static Command Create()
    {
        var session = new Argument<long?>("session") { Description = "The session id (the ID column of `ferry who`).", Arity = ArgumentArity.ZeroOrOne };
        var user = new Option<string?>("--user") { Description = "Disconnect every session of this user instead." };
        var command = new Command("kick", "Disconnect a session of the running server, or every session of a user.") { session, user };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(session) is null) == (result.GetValue(user) is null))
            {
                result.AddError("kick needs either a session id or --user NAME (not both).");
            }
        });
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = AdminClient.Open(CommonOptions.Load(result));
            if (result.GetValue(user) is { } name)
            {
                var outcome = await client.DeleteAsync($"api/users/{Uri.EscapeDataString(name)}/sessions", cancellationToken);
                var count = AdminText.Number(outcome, "disconnected");
                Console.WriteLine($"Disconnected {count} session{(count == 1 ? string.Empty : "s")} of {name}.");
                return 0;
            }

            var id = result.GetValue(session)!.Value;
            await client.DeleteAsync("api/sessions/" + id.ToString(CultureInfo.InvariantCulture), cancellationToken);
            Console.WriteLine($"Disconnected session {id}.");
            return 0;
        }));
        return command;
    }
}
