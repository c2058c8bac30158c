using System.Net;
using System.Text.Json;
using Ferry.Server;
using Ferry.Server.Administration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Administration;

/// <summary>The bans FTP and the admin API share: list, add (its sessions are disconnected), lift.</summary>
internal static class BanEndpoints
{
    /// <summary>The engine's bound (ten years), so a date never overflows.</summary>
    private static readonly long MaxDurationSeconds = (long)FtpServer.MaxBanDuration.TotalSeconds;

    private const int MaxReasonLength = 200;

    public static void Map(IEndpointRouteBuilder api)
    {
        var bans = api.MapGroup("/bans").WithTags("Bans");
        bans.MapGet("/", (AdminServices admin) => TypedResults.Ok(new BanList(admin.Server?.ListBans() ?? [])));
        bans.MapPost("/", BanAsync).Accepts<BanRequest>("application/json").Produces<BanSnapshot>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        bans.MapDelete("/{address}", Lift).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> BanAsync(HttpContext context, AdminServices admin)
    {
        var (body, problem) = await JsonBody.ReadAsync(context.Request, ["address", "durationSeconds", "reason"]);
        if (body is null)
        {
            return problem!;
        }

        if (!JsonBody.TryString(body, "address", out var text, out problem) || !JsonBody.TryString(body, "reason", out var reason, out problem))
        {
            return problem!;
        }

        if (text is null || !IPAddress.TryParse(text, out var address) || text.Contains('/', StringComparison.Ordinal))
        {
            return AdminProblems.BadRequest("address", $"'{text}' must be an IP address, e.g. 192.0.2.7 or 2001:db8::7.");
        }

        // Left out or null: Server:BanDuration, as a ban earned by failed logins lasts.
        long? seconds = null;
        if (body["durationSeconds"] is { } durationNode)
        {
            if (durationNode.GetValueKind() != JsonValueKind.Number || !durationNode.AsValue().TryGetValue<long>(out var given) || given < 1 || given > MaxDurationSeconds)
            {
                return AdminProblems.BadRequest("durationSeconds", $"'{durationNode.ToJsonString()}' must be a whole number of seconds from 1 to {MaxDurationSeconds} (ten years), or null for Server:BanDuration.");
            }

            seconds = given;
        }

        if (reason is { Length: > MaxReasonLength })
        {
            return AdminProblems.BadRequest("reason", $"has {reason.Length} characters; at most {MaxReasonLength}.");
        }

        if (admin.Server is not { } server)
        {
            return AdminProblems.Unavailable("The server is starting; try again in a moment.");
        }

        var caller = AdminCaller.Of(context);
        var duration = seconds is { } chosen ? TimeSpan.FromSeconds(chosen) : server.Options.BanDuration;
        var ban = await server.BanAsync(AdminServices.AddressOf(address), duration, reason is { Length: > 0 } ? reason : $"banned by {caller.Audit}");
        admin.Audit(context, "banned", ban.Network, $"until {ban.BannedUntil:u}: {ban.Reason}");
        return TypedResults.Created($"/api/bans/{Uri.EscapeDataString(AdminServices.AddressOf(address).ToString())}", ban);
    }

    /// <summary>The address as given, or the network as listed ("192.0.2.7/32", URL-encoded).</summary>
    private static IResult Lift(string address, HttpContext context, AdminServices admin)
    {
        var text = Uri.UnescapeDataString(address);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var parsed))
        {
            return AdminProblems.BadRequest("address", $"'{text}' must be an IP address (or a network as GET /api/bans lists it).");
        }

        if (admin.Server is not { } server || !server.LiftBan(AdminServices.AddressOf(parsed)))
        {
            return AdminProblems.NotFound($"{text} is not banned.");
        }

        admin.Audit(context, "lifted the ban on", text);
        return TypedResults.NoContent();
    }
}
