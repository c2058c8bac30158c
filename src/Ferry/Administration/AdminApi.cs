using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ferry.Administration;

/// <summary>
/// The admin REST API on the operations listener: the gate in front of /api, one group of routes
/// per resource, and the OpenAPI document of every /api route at /openapi/v1.json (public: it is
/// the description only; every route it lists needs a login or token).
/// </summary>
internal static class AdminApi
{
    public const string OpenApiPath = "/openapi/{documentName}.json";

    /// <summary>What the routes take from the listener's container: the host's admin services, and the OpenAPI generator.</summary>
    public static void AddServices(IServiceCollection services, AdminServices admin, ThroughputHistory throughput)
    {
        services.AddSingleton(admin);
        services.AddSingleton(throughput);
        services.AddOpenApi(options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Ferry admin API";
                document.Info.Description = "Sign in with POST /api/auth/login (cookie ferry_admin; changes repeat X-CSRF-Token) or send Authorization: Bearer <token>.";
                return Task.CompletedTask;
            });
        });
    }

    public static void Map(WebApplication app, AdminServices admin)
    {
        var gate = new AdminGate(admin);
        app.Use(gate.InvokeAsync);

        var api = app.MapGroup("/api");
        AuthEndpoints.Map(api);
        StatusEndpoints.Map(api);
        SessionEndpoints.Map(api);
        UserEndpoints.Map(api);
        BanEndpoints.Map(api);
        ConfigEndpoints.Map(api);
        TokenEndpoints.Map(api);
        LiveEndpoints.Map(api);

        // Every /api route answers 401/403 as problem details from the gate; the document says so once per route.
        api.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        app.MapOpenApi(OpenApiPath);
    }
}
