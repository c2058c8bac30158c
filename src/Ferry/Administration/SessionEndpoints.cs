using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Administration;

/// <summary>Who is connected and what they move; kick one session or every session of a user.</summary>
internal static class SessionEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapGet("/", List).Produces<Page<SessionView>>();
        sessions.MapDelete("/{id:long}", KickAsync).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/users/{name}/sessions", KickUserAsync).WithTags("Sessions").Produces<DisconnectedCount>();
    }

    private static IResult List(HttpRequest request, AdminServices admin)
    {
        if (!Paging.TryRead(request, out var offset, out var limit, out var problem))
        {
            return problem!;
        }

        var all = admin.Server?.ListSessions() ?? [];
        return TypedResults.Ok(Paging.Of([.. all.Select(SessionView.Of)], offset, limit));
    }

    private static async Task<IResult> KickAsync(long id, HttpContext context, AdminServices admin)
    {
        if (admin.Server is not { } server || !await server.DisconnectAsync(id))
        {
            return AdminProblems.NotFound($"No session {id}.");
        }

        admin.Audit(context, "disconnected session", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return TypedResults.NoContent();
    }

    private static async Task<Ok<DisconnectedCount>> KickUserAsync(string name, HttpContext context, AdminServices admin)
    {
        var count = admin.Server is { } server ? await server.DisconnectUserAsync(name) : 0;
        admin.Audit(context, "disconnected the sessions of user", name, $"{count} session(s)");
        return TypedResults.Ok(new DisconnectedCount(count));
    }
}
