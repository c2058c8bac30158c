using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Administration.Web;

/// <summary>
/// The web admin page: a few static files (index.html, app.js, app.css, icon.svg) compiled into
/// the ferry assembly, so the page needs no build step, no CDN and no files beside the binary
/// (a single-file publish carries it). It talks only to the admin API under /api, from the same
/// origin, with the session cookie and the X-CSRF-Token header (contract of issue 15).
/// </summary>
internal static class AdminPage
{
    public const string Path = "/admin/";

    /// <summary>
    /// Same-origin everything and no inline script or style (the page has none), so an injected
    /// user name or path in the tables cannot run; no framing (clickjacking of the kick and delete
    /// buttons); no Referer leaks the admin URL to anywhere else.
    /// </summary>
    private const string ContentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The files, by the name the page asks for; the resource names come from Ferry.csproj (LogicalName).</summary>
    private static readonly FrozenDictionary<string, Asset> Assets = new[]
    {
        Load("index.html", "text/html; charset=utf-8"),
        Load("app.js", "text/javascript; charset=utf-8"),
        Load("app.css", "text/css; charset=utf-8"),
        Load("icon.svg", "image/svg+xml"),
    }.ToFrozenDictionary(asset => asset.Name, StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // The listener's root has nothing of its own: a browser pointed at it lands on the page.
        endpoints.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], context => RedirectAsync(context));
        // Routing matches "/admin" and "/admin/" alike; the page's relative links (app.js) need the slash.
        endpoints.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], context =>
            context.Request.Path.Value!.EndsWith('/') ? ServeAsync(context, Assets["index.html"]) : RedirectAsync(context));
        endpoints.MapMethods(Path + "{file}", [HttpMethods.Get, HttpMethods.Head], context =>
            Assets.TryGetValue((string?)context.Request.RouteValues["file"] ?? string.Empty, out var asset) && asset.Name != "index.html"
                ? ServeAsync(context, asset)
                : NotFoundAsync(context));
    }

    private static Task RedirectAsync(HttpContext context)
    {
        AddSecurityHeaders(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(Path);
        return Task.CompletedTask;
    }

    private static Task NotFoundAsync(HttpContext context)
    {
        AddSecurityHeaders(context.Response);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static Task ServeAsync(HttpContext context, Asset asset)
    {
        var response = context.Response;
        AddSecurityHeaders(response);

        // Revalidated at every load (a few hundred bytes of 304 when unchanged), so a page opened
        // after an upgrade never runs an old app.js against a new API.
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(asset.Content, context.RequestAborted).AsTask();
    }

    private static void AddSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private static Asset Load(string name, string contentType)
    {
        var resource = "Ferry.Administration.Web." + name;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The admin page's {name} is not embedded in the ferry assembly (resource {resource}).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var content = copy.ToArray();
        return new Asset(name, contentType, content, "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"");
    }

    private sealed record Asset(string Name, string ContentType, byte[] Content, string ETag);
}
