using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Ferry.Commands;

/// <summary>`ferry status`: the running server's version, uptime, listeners, counts and certificate (GET /api/status).</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the API's JSON instead of text." };
        var command = new Command("status", "Show the running server's version, uptime, listeners, sessions and certificate.") { json };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = AdminClient.Open(CommonOptions.Load(result));
            var status = await client.GetAsync("api/status", cancellationToken);
            if (result.GetValue(json))
            {
                AdminText.Json(status);
                return 0;
            }

            var uptime = TimeSpan.FromSeconds(AdminText.Real(status, "uptimeSeconds"));
            Console.WriteLine($"Ferry {AdminText.String(status, "version")}, up {(int)uptime.TotalDays}d {uptime:hh\\:mm\\:ss} (since {AdminText.Time(status, "startedAt")})");
            if (status.TryGetProperty("listeners", out var listeners) && listeners.ValueKind == JsonValueKind.Array)
            {
                foreach (var listener in listeners.EnumerateArray())
                {
                    Console.WriteLine($"Listening: {AdminText.String(listener, "kind")} on {AdminText.String(listener, "endpoint")}");
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Sessions: {AdminText.Number(status, "sessions")}, transfers: {AdminText.Number(status, "transfers")}, bans: {AdminText.Number(status, "bans")}"));
            if (status.TryGetProperty("certificate", out var certificate) && certificate.ValueKind == JsonValueKind.Object)
            {
                Console.WriteLine($"Certificate: {AdminText.String(certificate, "subject")}, valid until {AdminText.Time(certificate, "notAfter")} ({AdminText.Number(certificate, "daysLeft")} days left)");
            }

            return 0;
        }));
        return command;
    }
}
