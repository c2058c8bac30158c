using System.CommandLine;
using System.Globalization;
using System.Net;

namespace Ferry.Commands;

/// <summary>
/// `ferry ban list|add|lift`: the running server's bans (earned by failed logins, or set here).
/// A ban disconnects the address's sessions and refuses it with 421 until it ends or is lifted.
/// </summary>
internal static class BanCommands
{
    public static Command Create()
    {
        var command = new Command("ban", "List, add and lift address bans of the running server.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Lift());
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print the API's JSON instead of a table." };
        var command = new Command("list", "List the bans in force.") { json };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            using var client = AdminClient.Open(CommonOptions.Load(result));
            var bans = await client.GetAsync("api/bans", cancellationToken);
            if (result.GetValue(json))
            {
                AdminText.Json(bans);
                return 0;
            }

            var items = bans.GetProperty("items").EnumerateArray().ToList();
            if (items.Count == 0)
            {
                Console.WriteLine("No bans.");
                return 0;
            }

            AdminText.Table(
                ["NETWORK", "UNTIL", "BY", "REASON"],
                items.Select(ban => new[]
                {
                    AdminText.String(ban, "network"),
                    AdminText.Time(ban, "bannedUntil"),
                    AdminText.Flag(ban, "manual") ? "admin" : "server",
                    AdminText.String(ban, "reason"),
                }));
            return 0;
        }));
        return command;
    }

    private static Command Add()
    {
        var address = new Argument<string>("address") { Description = "The IPv4 or IPv6 address (an IPv6 address bans its Server:BanIPv6PrefixLength network)." };
        var duration = new Option<string?>("--for") { Description = "How long: a number with s, m, h or d (90m, 12h, 7d); the server's default when left out." };
        var reason = new Option<string?>("--reason") { Description = "Why, for the list and the log." };
        var command = new Command("add", "Ban an address now; its sessions are disconnected.") { address, duration, reason };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var text = result.GetValue(address)!;
            if (!IPAddress.TryParse(text, out _))
            {
                await Console.Error.WriteLineAsync($"ferry: ban add: '{text}' is not an IPv4 or IPv6 address.");
                return 2;
            }

            long? seconds = null;
            if (result.GetValue(duration) is { } given)
            {
                if (ParseDuration(given) is not { } parsed)
                {
                    await Console.Error.WriteLineAsync($"ferry: ban add --for: '{given}' must be a positive number with s, m, h or d, e.g. 90m, 12h or 7d.");
                    return 2;
                }

                seconds = (long)parsed.TotalSeconds;
            }

            using var client = AdminClient.Open(CommonOptions.Load(result));
            var ban = await client.PostAsync("api/bans", new { address = text, durationSeconds = seconds, reason = result.GetValue(reason) }, cancellationToken);
            Console.WriteLine($"Banned {AdminText.String(ban, "network")} until {AdminText.Time(ban, "bannedUntil")}.");
            return 0;
        }));
        return command;
    }

    private static Command Lift()
    {
        var address = new Argument<string>("address") { Description = "The banned address (any address of a banned IPv6 network)." };
        var command = new Command("lift", "Lift a ban (and forget the address's failed logins).") { address };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var text = result.GetValue(address)!;
            if (!IPAddress.TryParse(text, out _))
            {
                await Console.Error.WriteLineAsync($"ferry: ban lift: '{text}' is not an IPv4 or IPv6 address.");
                return 2;
            }

            using var client = AdminClient.Open(CommonOptions.Load(result));
            await client.DeleteAsync("api/bans/" + Uri.EscapeDataString(text), cancellationToken);
            Console.WriteLine($"Lifted the ban on {text}.");
            return 0;
        }));
        return command;
    }

    /// <summary>"90s", "30m", "12h", "7d" (a bare number is seconds); null when it is none of these or not positive.</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        var number = char.IsDigit(unit) ? text : text[..^1];
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > 3650L * 24 * 3600)
        {
            return null;
        }

        return unit switch
        {
            's' or >= '0' and <= '9' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            'd' => TimeSpan.FromDays(value),
            _ => null,
        };
    }
}
