using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Administration;

/// <summary>
/// Sign-in, sign-out and "who am I" for the web page: a server-side session behind an HttpOnly,
/// SameSite=Strict cookie (Secure over HTTPS), and the CSRF token its changes must repeat.
/// </summary>
internal static class AuthEndpoints
{
    /// <summary>Checked when the name is unknown, so an unknown name costs the same PBKDF2 time as a wrong password.</summary>
    private static readonly string UnknownAdminHash = PasswordHasher.Hash(Guid.NewGuid().ToString());

    public static void Map(IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Authentication");
        auth.MapPost("/login", SignInAsync).Accepts<SignInRequest>("application/json")
            .Produces<SignedInAdmin>().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/logout", SignOut).Produces(StatusCodes.Status204NoContent);
        auth.MapGet("/me", (HttpContext context) =>
        {
            var caller = AdminCaller.Of(context);
            return TypedResults.Ok(new SignedInAdmin(caller.Name, caller.Role, caller.Session?.CsrfToken));
        });
    }

    private static async Task<IResult> SignInAsync(HttpContext context, AdminServices admin)
    {
        var (body, problem) = await JsonBody.ReadAsync(context.Request, ["name", "password"]);
        if (body is null)
        {
            return problem!;
        }

        if (!JsonBody.TryString(body, "name", out var name, out problem) || !JsonBody.TryString(body, "password", out var password, out problem))
        {
            return problem!;
        }

        if (string.IsNullOrEmpty(name))
        {
            return AdminProblems.BadRequest("name", "is required.");
        }

        if (string.IsNullOrEmpty(password))
        {
            return AdminProblems.BadRequest("password", "is required.");
        }

        var account = await admin.Store.FindAdminAsync(name, context.RequestAborted);
        var matches = PasswordHasher.Verify(password, account?.PasswordHash ?? UnknownAdminHash);
        var remote = AdminServices.RemoteOf(context);
        if (account is null || !matches || account.Disabled)
        {
            FerryLog.AdminSignInFailed(admin.Logger, name, remote);

            // The same ban as FTP's wrong passwords (Server:BanFailedLogins within BanWindow), and the same pause.
            if (admin.Server is { } server)
            {
                if (context.Connection.RemoteIpAddress is { } address)
                {
                    server.RecordFailedLogin(AdminServices.AddressOf(address));
                }

                await Task.Delay(server.Options.FailedLoginDelay, admin.Time, context.RequestAborted);
            }

            return AdminProblems.Unauthorized("Wrong name or password.");
        }

        var session = admin.Sessions.Create(account);
        context.Response.Cookies.Append(AdminGate.CookieName, session.Id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
        });
        FerryLog.AdminSignedIn(admin.Logger, account.Name, remote);
        return TypedResults.Ok(new SignedInAdmin(account.Name, account.Role, session.CsrfToken));
    }

    private static IResult SignOut(HttpContext context, AdminServices admin)
    {
        if (AdminCaller.Of(context).Session is { } session)
        {
            admin.Sessions.Remove(session.Id);
            context.Response.Cookies.Delete(AdminGate.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
            FerryLog.AdminSignedOut(admin.Logger, session.Name);
        }

        return TypedResults.NoContent();
    }
}
