using System.Reflection;
using Ferry.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Administration;

/// <summary>The server at a glance: version, uptime, listeners, counts, certificate expiry; and reload.</summary>
internal static class StatusEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/status", Status).WithTags("Server").Produces<StatusView>();
        api.MapPost("/reload", ReloadAsync).WithTags("Server").Produces<ReloadResult>();
    }

    private static IResult Status(AdminServices admin)
    {
        if (admin.Server is not { } server)
        {
            return AdminProblems.Unavailable("The server is starting; try again in a moment.");
        }

        var now = admin.Time.GetUtcNow();
        var listeners = new List<ListenerView> { new("ftp", server.LocalEndPoint.ToString()) };
        if (server.ImplicitTlsEndPoint is { } implicitTls)
        {
            listeners.Add(new ListenerView("ftps-implicit", implicitTls.ToString()));
        }

        var operations = admin.Settings.CurrentValue.Operations;
        if (operations.ListenEndPoint is { } http)
        {
            listeners.Add(new ListenerView(operations.Tls ? "https" : "http", http.ToString()));
        }

        CertificateView? certificate = null;
        if (server.Certificates is { } certificates)
        {
            certificate = new CertificateView(certificates.Certificate.Subject, certificates.NotAfter, (int)Math.Floor((certificates.NotAfter - now).TotalDays));
        }

        return TypedResults.Ok(new StatusView(
            Version(),
            server.StartedAt,
            server.StartedAt is { } started ? Math.Round((now - started).TotalSeconds) : 0,
            listeners,
            server.ActiveSessions,
            server.TransfersRunning,
            server.ListBans().Count,
            certificate));
    }

    private static async Task<IResult> ReloadAsync(HttpContext context, AdminServices admin)
    {
        var outcome = await admin.Reloader.ReloadWithOutcomeAsync();
        admin.Audit(context, "reloaded the configuration", outcome.Reloaded ? "reloaded" : "refused", outcome.Error ?? string.Join(", ", outcome.Kept));
        return TypedResults.Ok(new ReloadResult(outcome.Reloaded, outcome.Kept, outcome.Error));
    }

    private static string Version()
    {
        var assembly = typeof(FtpServer).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        // The SDK appends "+<commit>" to the informational version; the version is what precedes it.
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "unknown";
    }
}
