using System.Net;
using System.Text.Json;
using Ferry.Server.Administration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Administration;

/// <summary>The bans FTP and the admin API share: list, add (its sessions are disconnected), lift.</summary>
internal static class BanEndpoints
{
    /// <summary>A year: longer is a firewall rule's job, not a ban that lives in memory.</summary>
    private const long MaxDurationSeconds = 365L * 24 * 3600;

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

        if (body["durationSeconds"] is not { } durationNode || durationNode.GetValueKind() != JsonValueKind.Number
            || !durationNode.AsValue().TryGetValue<long>(out var seconds) || seconds is < 1 or > MaxDurationSeconds)
        {
            return AdminProblems.BadRequest("durationSeconds", $"'{body["durationSeconds"]?.ToJsonString()}' must be a whole number of seconds from 1 to {MaxDurationSeconds} (a year).");
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
        var ban = await server.BanAsync(AdminServices.AddressOf(address), TimeSpan.FromSeconds(seconds), reason is { Length: > 0 } ? reason : $"banned by {caller.Audit}");
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
