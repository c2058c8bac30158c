using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Ferry.Commands;

/// <summary>`ferry who`: the sessions of the running server, with what each is transferring (the admin API's GET /api/sessions).</summary>
internal static class WhoCommand
{
    /// <summary>Far more than a `who` needs; a server with more prints the first ones and says so.</summary>
    private const int PageSize = 1000;

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the API's JSON instead of a table." };
        var command = new Command("who", "List the sessions of the running server and their transfers.") { json };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = AdminClient.Open(CommonOptions.Load(result));
            var page = await client.GetAsync($"api/sessions?limit={PageSize}", cancellationToken);
            if (result.GetValue(json))
            {
                AdminText.Json(page);
                return 0;
            }

            var sessions = page.GetProperty("items").EnumerateArray().ToList();
            AdminText.Table(
                ["ID", "USER", "FROM", "TLS", "SINCE", "COMMAND", "TRANSFER"],
                sessions.Select(session => new[]
                {
                    AdminText.Number(session, "id").ToString(CultureInfo.InvariantCulture),
                    AdminText.String(session, "user"),
                    AdminText.String(session, "remoteAddress"),
                    AdminText.Flag(session, "tls") ? "yes" : "no",
                    AdminText.Time(session, "connectedAt"),
                    AdminText.String(session, "currentCommand"),
                    Transfer(session),
                }));
            var total = AdminText.Number(page, "total");
            Console.WriteLine(total > sessions.Count
                ? $"{sessions.Count} of {total} sessions shown."
                : $"{total} session{(total == 1 ? string.Empty : "s")}.");
            return 0;
        }));
        return command;
    }

    /// <summary>"upload /in/a.csv 1.2 MiB at 300.0 KiB/s", or "-".</summary>
    private static string Transfer(JsonElement session)
    {
        if (!session.TryGetProperty("transfer", out var transfer) || transfer.ValueKind != JsonValueKind.Object)
        {
            return "-";
        }

        return $"{AdminText.String(transfer, "direction")} {AdminText.String(transfer, "path")} "
            + $"{AdminText.Bytes(AdminText.Number(transfer, "bytes"))} at {AdminText.Bytes(AdminText.Real(transfer, "bytesPerSecond"))}/s";
    }
}
