using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Commands;
using Ferry.Server.Security;
using Ferry.Storage;
using Ferry.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Administration;

/// <summary>
/// The FTP users of the embedded store: list, get, create, change, delete. A change applies from
/// the user's next login (every login reads the store); running sessions keep what they had.
/// </summary>
internal static class UserEndpoints
{
    private static readonly string[] Fields =
        ["name", "password", "home", "permissions", "disabled", "requireTls", "quotaBytes", "quotaFiles", "downloadRateLimit", "uploadRateLimit", "storage"];

    public static void Map(IEndpointRouteBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("/", ListAsync).Produces<Page<UserView>>();
        users.MapGet("/{name}", GetAsync).Produces<UserView>().ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/", CreateAsync).Accepts<UserRequest>("application/json").Produces<CreatedUser>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPatch("/{name}", ChangeAsync).Accepts<UserRequest>("application/json").Produces<UserView>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        users.MapDelete("/{name}", DeleteAsync).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, AdminServices admin)
    {
        if (!Paging.TryRead(request, out var offset, out var limit, out var problem))
        {
            return problem!;
        }

        if (admin.Users is not { } store)
        {
            return NotStarted();
        }

        var all = await store.ListAsync(request.HttpContext.RequestAborted);
        return TypedResults.Ok(Paging.Of([.. all.Select(UserView.Of)], offset, limit));
    }

    private static async Task<IResult> GetAsync(string name, HttpContext context, AdminServices admin)
    {
        if (admin.Users is not { } store)
        {
            return NotStarted();
        }

        return await store.FindAsync(name, context.RequestAborted) is { } user
            ? TypedResults.Ok(UserView.Of(user))
            : AdminProblems.NotFound($"No user '{name}'.");
    }

    private static async Task<IResult> CreateAsync(HttpContext context, AdminServices admin)
    {
        if (admin.Users is not { } store)
        {
            return NotStarted();
        }

        var (body, problem) = await JsonBody.ReadAsync(context.Request, Fields);
        if (body is null)
        {
            return problem!;
        }

        if (!JsonBody.TryString(body, "name", out var name, out problem))
        {
            return problem!;
        }

        if (name is null || !UserCommands.IsValidName(name))
        {
            return AdminProblems.BadRequest("name", "is required: 1-64 characters without spaces, '/', '\\' or control characters.");
        }

        if (!JsonBody.TryString(body, "home", out var home, out problem))
        {
            return problem!;
        }

        var settings = admin.Settings.CurrentValue;
        if (!TryStorage(body, settings, out var storage, out problem))
        {
            return problem!;
        }

        // An S3 user has no home folder; a local one must name it.
        if (storage is null && (home is null || !Path.IsPathFullyQualified(home)))
        {
            return AdminProblems.BadRequest("home", "is required: the user's root folder as an absolute path (created when missing), unless storage names an S3 profile.");
        }

        if (storage is not null && home is not null)
        {
            return AdminProblems.BadRequest("home", $"is not used with storage '{storage}': the user's files are in the S3 profile's bucket; leave it out.");
        }

        var generated = body["password"] is null ? AdminServices.GeneratePassword(settings.Server.MinPasswordLength) : null;
        var draft = new FtpUser(name, string.Empty, home is null ? string.Empty : Path.GetFullPath(home), UserPermissions.All, Disabled: false, Storage: storage);
        if (Apply(body, draft, settings, out problem) is not { } user)
        {
            return problem!;
        }

        if (generated is not null)
        {
            user = user with { PasswordHash = PasswordHasher.Hash(generated) };
        }

        if (UserStorage.IsLocal(user) && CreateHome(admin, user.HomeDirectory) is { } homeProblem)
        {
            return homeProblem;
        }

        if (!await store.AddAsync(user, context.RequestAborted))
        {
            return AdminProblems.Conflict($"User '{name}' exists already.");
        }

        var view = UserView.Of(user);
        admin.Audit(context, "added user", name, Describe(view));
        return TypedResults.Created($"/api/users/{Uri.EscapeDataString(name)}", CreatedUser.Of(view, generated));
    }

    private static async Task<IResult> ChangeAsync(string name, HttpContext context, AdminServices admin)
    {
        if (admin.Users is not { } store)
        {
            return NotStarted();
        }

        var (body, problem) = await JsonBody.ReadAsync(context.Request, Fields);
        if (body is null)
        {
            return problem!;
        }

        if (body["name"] is { } renamed && renamed.GetValueKind() == JsonValueKind.String && renamed.GetValue<string>() != name)
        {
            return AdminProblems.BadRequest("name", "cannot be changed (create a new user instead).");
        }

        if (await store.FindAsync(name, context.RequestAborted) is not { } existing)
        {
            return AdminProblems.NotFound($"No user '{name}'.");
        }

        if (Apply(body, existing, admin.Settings.CurrentValue, out problem) is not { } changed)
        {
            return problem!;
        }

        if (UserStorage.IsLocal(changed) && changed.HomeDirectory.Length == 0)
        {
            return AdminProblems.BadRequest("home", "is required for a user on the local disk (storage 'local'): the user's root folder as an absolute path.");
        }

        if (UserStorage.IsLocal(changed) && changed.HomeDirectory != existing.HomeDirectory && CreateHome(admin, changed.HomeDirectory) is { } homeProblem)
        {
            return homeProblem;
        }

        if (!await store.UpdateAsync(changed, context.RequestAborted))
        {
            return AdminProblems.NotFound($"No user '{name}'.");
        }

        var view = UserView.Of(changed);
        var fields = string.Join(", ", body.Select(field => field.Key));
        admin.Audit(context, "changed user", name, $"({fields}) now {Describe(view)}");
        return TypedResults.Ok(view);
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, AdminServices admin)
    {
        if (admin.Users is not { } store)
        {
            return NotStarted();
        }

        if (!await store.DeleteAsync(name, context.RequestAborted))
        {
            return AdminProblems.NotFound($"No user '{name}'.");
        }

        var disconnected = admin.Server is { } server ? await server.DisconnectUserAsync(name) : 0;
        admin.Audit(context, "deleted user", name, $"{disconnected} session(s) disconnected; files kept");
        return TypedResults.NoContent();
    }

    /// <summary>The fields present in <paramref name="body"/> applied to <paramref name="user"/>; null with a problem naming the first bad field.</summary>
    private static FtpUser? Apply(JsonObject body, FtpUser user, Configuration.FerrySettings settings, out IResult? problem)
    {
        var minimumPasswordLength = settings.Server.MinPasswordLength;
        if (!TryStorage(body, settings, out var storage, out problem))
        {
            return null;
        }

        if (body.ContainsKey("storage"))
        {
            user = user with { Storage = storage };
        }

        if (!JsonBody.TryString(body, "password", out var password, out problem)
            || !JsonBody.TryString(body, "home", out var home, out problem)
            || !JsonBody.TryBool(body, "disabled", out var disabled, out problem)
            || !JsonBody.TryBool(body, "requireTls", out var requireTls, out problem))
        {
            return null;
        }

        if (password is not null)
        {
            // NIST SP 800-63B rev. 4 counts each Unicode code point as one character (as `ferry user passwd`).
            var length = password.EnumerateRunes().Count();
            if (length < Math.Max(1, minimumPasswordLength))
            {
                problem = AdminProblems.BadRequest("password", $"has {length} characters; Server:MinPasswordLength asks for at least {minimumPasswordLength}.");
                return null;
            }

            user = user with { PasswordHash = PasswordHasher.Hash(password) };
        }
        else if (body.ContainsKey("password"))
        {
            problem = AdminProblems.BadRequest("password", "must be a string (leave it out to keep the password).");
            return null;
        }

        if (home is not null)
        {
            if (!Path.IsPathFullyQualified(home))
            {
                problem = AdminProblems.BadRequest("home", $"'{home}' must be an absolute path.");
                return null;
            }

            user = user with { HomeDirectory = Path.GetFullPath(home) };
        }

        if (body.ContainsKey("permissions"))
        {
            if (body["permissions"] is not JsonArray words || words.Any(word => word?.GetValueKind() != JsonValueKind.String))
            {
                problem = AdminProblems.BadRequest("permissions", $"must be an array of names ({PermissionNames.Valid}).");
                return null;
            }

            if (!PermissionNames.TryParse(string.Join(',', words.Select(word => word!.GetValue<string>())), out var permissions, out var unknown))
            {
                problem = AdminProblems.BadRequest("permissions", $"'{unknown}' is not a permission ({PermissionNames.Valid}).");
                return null;
            }

            user = user with { Permissions = permissions };
        }

        user = user with { Disabled = disabled ?? user.Disabled, RequireTls = requireTls ?? user.RequireTls };
        if (!JsonBody.TryCount(body, "quotaBytes", out var quotaBytes, out problem)
            || !JsonBody.TryCount(body, "quotaFiles", out var quotaFiles, out problem)
            || !JsonBody.TryCount(body, "downloadRateLimit", out var downloadRate, out problem)
            || !JsonBody.TryCount(body, "uploadRateLimit", out var uploadRate, out problem))
        {
            return null;
        }

        // Present (a number, or null for "the server's default") replaces; absent keeps.
        return user with
        {
            QuotaBytes = body.ContainsKey("quotaBytes") ? quotaBytes : user.QuotaBytes,
            QuotaFiles = body.ContainsKey("quotaFiles") ? quotaFiles : user.QuotaFiles,
            DownloadRateLimit = body.ContainsKey("downloadRateLimit") ? downloadRate : user.DownloadRateLimit,
            UploadRateLimit = body.ContainsKey("uploadRateLimit") ? uploadRate : user.UploadRateLimit,
        };
    }

    /// <summary>
    /// The "storage" field: absent or null keeps (POST: local), "local" is the local disk (stored as
    /// null), "s3:NAME" a configured profile; anything else a problem naming what is allowed.
    /// </summary>
    private static bool TryStorage(JsonObject body, Configuration.FerrySettings settings, out string? storage, out IResult? problem)
    {
        storage = null;
        if (!JsonBody.TryString(body, "storage", out var text, out problem))
        {
            return false;
        }

        if (!UserStorage.TryParse(text, settings.Storage, out storage, out var error))
        {
            problem = AdminProblems.BadRequest("storage", error!);
            return false;
        }

        return true;
    }

    private static string Describe(UserView user) =>
        $"{(user.Storage == UserStorage.Local ? "home " + user.Home : "storage " + user.Storage)}, permissions {(user.Permissions.Count == 0 ? "none" : string.Join(',', user.Permissions))}{(user.Disabled ? ", disabled" : string.Empty)}"
        + $"{(user.RequireTls ? ", TLS required" : string.Empty)}, quota {user.QuotaBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"} bytes/"
        + $"{user.QuotaFiles?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"} files, rates {user.DownloadRateLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"} down/"
        + $"{user.UploadRateLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"} up";

    /// <summary>Creates a missing home as `ferry user add` does; a problem when it cannot be made.</summary>
    private static IResult? CreateHome(AdminServices admin, string home)
    {
        try
        {
            if (HomeFolders.For(admin.Settings.CurrentValue).CreateMissing(home) is { } warning)
            {
                // Made, but not for the server's account: the user can log in, not write.
                Server.Diagnostics.FerryLog.Status(admin.Logger, "Admin API: " + warning);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return AdminProblems.BadRequest("home", $"'{home}' cannot be created: {e.Message}");
        }
    }

    private static IResult NotStarted() => AdminProblems.Unavailable("The server is starting; try again in a moment.");
}
