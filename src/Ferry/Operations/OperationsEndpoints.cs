using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Metrics;

namespace Ferry.Operations;

/// <summary>
/// What the operations listener serves. Each surface maps its own routes here, and talks to the
/// server only through a narrow interface (<see cref="IServerHealth"/> today). Later surfaces
/// attach in <see cref="Map"/> beside these with a line each: the admin API
/// (<see cref="Administration.AdminApi"/>, with its gate in front of /api) and the web page under "/".
/// </summary>
internal static class OperationsEndpoints
{
    public const string MetricsPath = "/metrics";
    public const string HealthPath = "/healthz";
    public const string ReadinessPath = "/readyz";

    /// <summary>The monitoring routes; /metrics only with a <paramref name="meterProvider"/> (Operations:Listen set; not on the admin socket alone).</summary>
    public static void Map(WebApplication endpoints, MeterProvider? meterProvider, ReadinessCheck readiness, Administration.AdminServices? admin)
    {
        // Prometheus text format (or OpenMetrics, when the scraper asks for it), from the "Ferry" meter.
        if (meterProvider is not null)
        {
            endpoints.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider, configureBranchedPipeline: null, optionsName: null);
        }

        // Liveness: the process answers HTTP. Nothing else is asked, so a busy or unready server is
        // not restarted by a liveness probe (that is /readyz's business).
        endpoints.MapGet(HealthPath, context => WriteTextAsync(context, StatusCodes.Status200OK, "ok\n"));

        endpoints.MapGet(ReadinessPath, async context =>
        {
            var report = await readiness.RunAsync(context.RequestAborted);
            context.Response.StatusCode = report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            await using var json = new Utf8JsonWriter(context.Response.Body);
            report.WriteJson(json);
            await json.FlushAsync(context.RequestAborted);
        });

        // The admin API (Admin:Enabled): every /api route behind a login or token.
        if (admin is not null)
        {
            Administration.AdminApi.Map(endpoints, admin);

            // The web admin page under /admin/ (and / redirecting to it); it calls the API above.
            Administration.Web.AdminPage.Map(endpoints);
        }
    }

    private static Task WriteTextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
