using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Administration;

/// <summary>API tokens for scripts: made by an admin (the secret shown once), listed without secrets, revoked.</summary>
internal static class TokenEndpoints
{
    private const int MaxNameLength = 64;

    public static void Map(IEndpointRouteBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Tokens");
        tokens.MapGet("/", async (HttpContext context, AdminServices admin) =>
            TypedResults.Ok(new TokenList([.. (await admin.Store.ListTokensAsync(context.RequestAborted)).Select(TokenView.Of)])));
        tokens.MapPost("/", CreateAsync).Accepts<TokenRequest>("application/json").Produces<CreatedToken>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        tokens.MapDelete("/{id:long}", RevokeAsync).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, AdminServices admin)
    {
        var (body, problem) = await JsonBody.ReadAsync(context.Request, ["name", "role"]);
        if (body is null)
        {
            return problem!;
        }

        if (!JsonBody.TryString(body, "name", out var name, out problem) || !JsonBody.TryString(body, "role", out var roleText, out problem))
        {
            return problem!;
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            return AdminProblems.BadRequest("name", $"is required: 1-{MaxNameLength} characters without control characters, e.g. \"backup script\".");
        }

        var role = roleText is null ? AdminRoles.ReadOnly : AdminRoles.Parse(roleText);
        if (role is null)
        {
            return AdminProblems.BadRequest("role", $"'{roleText}' is not a role ({AdminRoles.Valid}).");
        }

        var caller = AdminCaller.Of(context);
        var (secret, token) = await admin.Store.CreateTokenAsync(name, role, caller.Audit, cli: false, admin.Time.GetUtcNow(), context.RequestAborted);
        admin.Audit(context, "created API token", name, $"id {token.Id}, role {role}");
        return TypedResults.Created($"/api/tokens/{token.Id}", new CreatedToken(token.Id, token.Name, token.Role, secret, token.CreatedAt));
    }

    private static async Task<IResult> RevokeAsync(long id, HttpContext context, AdminServices admin)
    {
        if (!await admin.Store.DeleteTokenAsync(id, context.RequestAborted))
        {
            return AdminProblems.NotFound($"No token {id}.");
        }

        admin.Audit(context, "revoked API token", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return TypedResults.NoContent();
    }
}
