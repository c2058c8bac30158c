using Ferry.Server.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Ferry.Administration;

/// <summary>
/// The one gate every /api request passes before its endpoint runs (and before its body is read),
/// in this order: a banned address gets 403 (the FTP ban, on every route, the sign-in included);
/// then the caller is found from a bearer token or the ferry_admin cookie, else 401; a readonly
/// caller gets 403 on anything but GET/HEAD; a cookie caller's changing request must repeat the
/// session's CSRF token in X-CSRF-Token, else 403 (SameSite=Strict already keeps other sites'
/// requests from carrying the cookie; the header is the second lock, as OWASP's cheat sheet asks).
/// A bearer request needs no CSRF token: a browser never adds an Authorization header on its own.
/// </summary>
internal sealed class AdminGate(AdminServices admin)
{
    public const string CookieName = "ferry_admin";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string LoginPath = "/api/auth/login";
    public const string LogoutPath = "/api/auth/logout";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        context.Response.Headers.CacheControl = "no-store";
        if (context.Connection.RemoteIpAddress is { } remote && admin.Server is { } server && server.IsBanned(AdminServices.AddressOf(remote)))
        {
            FerryLog.AdminApiBannedRefused(admin.Logger, AdminServices.AddressOf(remote));
            await AdminProblems.Forbidden("This address is banned (too many failed logins, or by an administrator).").ExecuteAsync(context);
            return;
        }

        if (context.Request.Path.Equals(LoginPath, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var caller = await AuthenticateAsync(context);
        if (caller is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await AdminProblems.Unauthorized("Sign in (POST /api/auth/login) or send Authorization: Bearer <token>.").ExecuteAsync(context);
            return;
        }

        var changing = !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method);
        if (changing && caller.Session is { } session && !AdminSessions.CsrfMatches(session, context.Request.Headers[CsrfHeader].ToString()))
        {
            await AdminProblems.Forbidden($"A change made with the sign-in cookie needs the header {CsrfHeader} (its value comes with the sign-in and GET /api/auth/me).").ExecuteAsync(context);
            return;
        }

        // Signing out is no change to the server: a readonly admin may end its own session.
        if (changing && caller.Role != AdminRoles.Admin && !context.Request.Path.Equals(LogoutPath, StringComparison.Ordinal))
        {
            await AdminProblems.Forbidden($"'{caller.Name}' is {caller.Role}: it may only read.").ExecuteAsync(context);
            return;
        }

        context.Items[AdminCaller.ItemKey] = caller;
        try
        {
            await next(context);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A fault (the store's disk, say) is a 500 problem and a log record, never a dropped connection.
            FerryLog.AdminApiFailed(admin.Logger, context.Request.Method, context.Request.Path.Value ?? "/api", e);
            await TypedResults.Problem(detail: "The server could not complete this request; its log says why.", statusCode: StatusCodes.Status500InternalServerError,
                title: "Internal error").ExecuteAsync(context);
        }
    }

    private async Task<AdminCaller?> AuthenticateAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var secret = authorization["Bearer ".Length..].Trim();
            return secret.Length is > 0 and <= 256 && await admin.Store.FindTokenAsync(secret, context.RequestAborted) is { } token
                ? new AdminCaller(token.Name, token.Role, null)
                : null;
        }

        if (context.Request.Cookies[CookieName] is not { Length: > 0 and <= 256 } id || admin.Sessions.Find(id) is not { } session)
        {
            return null;
        }

        // The account as it is now: deleted, disabled or given a new password, its pages are signed out.
        var account = await admin.Store.FindAdminAsync(session.Name, context.RequestAborted);
        if (account is null || account.Disabled || account.PasswordHash != session.PasswordHash)
        {
            admin.Sessions.Remove(session.Id);
            return null;
        }

        return new AdminCaller(account.Name, account.Role, session);
    }
}
