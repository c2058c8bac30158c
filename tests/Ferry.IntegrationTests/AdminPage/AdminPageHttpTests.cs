using System.Net;
using System.Text.RegularExpressions;

namespace Ferry.IntegrationTests.AdminPage;

/// <summary>
/// The page's files over plain HTTP from a real `ferry serve`: what each is served as, the
/// security headers on every answer, revalidation by ETag, HEAD, and nothing else under /admin/.
/// </summary>
public sealed class AdminPageHttpTests
{
    [Fact]
    public async Task The_page_files_are_served_with_their_types_security_headers_and_etags_and_nothing_else()
    {
        await using var server = await AdminPageServer.StartAsync("web-http");
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };

        foreach (var path in new[] { "/", "/admin" })
        {
            using var redirect = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal("/admin/", redirect.Headers.Location?.OriginalString);
        }

        foreach (var (path, type, text) in new[]
        {
            ("/admin/", "text/html", "<title>Ferry admin</title>"),
            ("/admin/app.js", "text/javascript", "'use strict';"),
            ("/admin/app.css", "text/css", ":focus-visible"),
            ("/admin/icon.svg", "image/svg+xml", "<svg"),
        })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(text, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            AssertSecurityHeaders(response, path);
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());

            // Revalidation: the same ETag is a 304 without a body.
            var etag = response.Headers.ETag;
            Assert.NotNull(etag);
            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(etag);
            using var notModified = await http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(response.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        }

        // The page holds no inline script or style for the CSP to have to allow.
        var html = await http.GetStringAsync("/admin/");
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase), html);

        foreach (var path in new[] { "/admin/index.html", "/admin/nothing.js", "/admin/..%2fferry.json", "/admin/app.js/x" })
        {
            using var missing = await http.GetAsync(path);
            Assert.True(missing.StatusCode == HttpStatusCode.NotFound, $"{path}: {missing.StatusCode}");
        }

        using var post = await http.PostAsync("/admin/", new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task With_Admin_Enabled_false_neither_the_page_nor_the_redirect_is_served()
    {
        await using var server = await AdminPageServer.StartAsync("web-off", admin: new Dictionary<string, object?> { ["Enabled"] = false });
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        foreach (var path in new[] { "/", "/admin/", "/admin/app.js" })
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, string path)
    {
        string Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : $"(no {name} on {path})";
        Assert.StartsWith("default-src 'self'", Header("Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("no-referrer", Header("Referrer-Policy"));
    }
}
