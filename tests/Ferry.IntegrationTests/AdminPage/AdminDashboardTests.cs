using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Ferry.IntegrationTests.AdminPage;

/// <summary>
/// The web admin page in real headless Chromium against a real `ferry serve`: logging in (and a
/// wrong password refused with a message), a curl upload showing up live with growing bytes and
/// ended by the page's kick button, the layout at phone width, and an axe accessibility check.
/// </summary>
public sealed class AdminDashboardTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Login_form_refuses_a_wrong_password_with_a_message_then_logs_in_and_out()
    {
        await using var server = await AdminPageServer.StartAsync("web-login");
        var page = await browser.NewPageAsync();
        var errors = PageSteps.CollectErrors(page);

        // The listener's root sends the browser to the page, with its security headers.
        var response = await page.GotoAsync(server.BaseUrl + "/");
        Assert.EndsWith("/admin/", page.Url, StringComparison.Ordinal);
        var headers = await response!.AllHeadersAsync();
        Assert.Contains("default-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("DENY", headers["x-frame-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.Equal("no-cache", headers["cache-control"]);

        // By keyboard: the name field has the focus, Tab moves on with a visible focus ring, Enter sends.
        var form = page.Locator("#login-form");
        await Expect(form.GetByLabel("Admin name")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(AdminPageServer.AdminName);
        await page.Keyboard.PressAsync("Tab");
        await Expect(form.GetByLabel("Password")).ToBeFocusedAsync();
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.TypeAsync("not the password");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#login-error")).ToContainTextAsync("Wrong name or password");
        await Expect(page.Locator("#nav")).ToBeHiddenAsync();

        await form.GetByLabel("Password").FillAsync(server.AdminPassword);
        await form.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.Locator("#whoami-name")).ToHaveTextAsync(AdminPageServer.AdminName);
        await Expect(page.Locator("#whoami-role")).ToHaveTextAsync("admin");
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("Live");
        await Expect(page.Locator("#stat-version")).Not.ToHaveTextAsync("–");

        // The session cookie survives a reload; logging out ends it.
        await page.ReloadAsync();
        await Expect(page.Locator("#whoami-name")).ToHaveTextAsync(AdminPageServer.AdminName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        await Expect(page.Locator("#whoami")).ToBeHiddenAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_curl_upload_appears_live_with_growing_bytes_and_the_kick_button_ends_it()
    {
        // The server limits each session (curl's own --limit-rate would leave megabytes in the
        // socket buffers, so the server's count ran ahead and a kicked download drained for long).
        await using var server = await AdminPageServer.StartAsync("web-live", server: new Dictionary<string, object?>
        {
            ["UploadRateLimit"] = 128 * 1024,
            ["DownloadRateLimit"] = 96 * 1024,
        });
        var page = await browser.NewPageAsync();
        var errors = PageSteps.CollectErrors(page);
        await PageSteps.LogInAsync(page, server, AdminPageServer.AdminName, server.AdminPassword);
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("Live");

        // 16 MiB at 128 KiB/s would take two minutes: it is still running whenever the page looks.
        // A download beside it over TLS (AUTH TLS, the server's generated certificate).
        var source = server.MakeFile("big.bin", 16 << 20);
        File.Copy(source, Path.Combine(server.Harness.Home, "report.bin"));
        var upload = AdminPageServer.CurlAsync("-T", source, server.FtpUrl("/incoming.bin"));
        var download = AdminPageServer.CurlAsync("--ssl-reqd", "-k", "-o", Path.Combine(server.Harness.Folder, "report.copy"), server.FtpUrl("/report.bin"));

        var row = page.Locator("#transfers-body tr", new() { HasText = "/incoming.bin" });
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator("td").Nth(0)).ToHaveTextAsync(ServeHarnessUser);
        await Expect(row.Locator("td").Nth(1)).ToContainTextAsync("upload");
        await Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("no");
        var rowId = await row.GetAttributeAsync("id");
        Assert.NotNull(rowId);
        var first = await WaitForBytesAboveAsync(page, rowId, 0);
        var later = await WaitForBytesAboveAsync(page, rowId, first);
        Assert.True(later > first, $"{later} after {first}");
        var downloadRow = page.Locator("#transfers-body tr", new() { HasText = "/report.bin" });
        await Expect(downloadRow.Locator("td").Nth(1)).ToContainTextAsync("download");
        await Expect(downloadRow.Locator("td").Nth(5)).ToHaveTextAsync("yes");
        var downloadRowId = await downloadRow.GetAttributeAsync("id");
        Assert.NotNull(downloadRowId);
        await WaitForBytesAboveAsync(page, downloadRowId, await WaitForBytesAboveAsync(page, downloadRowId, 0));
        await Expect(page.Locator("#stat-transfers")).ToHaveTextAsync("2");
        await Expect(page.Locator("#transfers-empty")).ToBeHiddenAsync();

        // The chart drew both rates.
        await Expect(page.Locator("#chart-upload")).ToHaveAttributeAsync("points", new Regex(@"\d+(\.\d)?,\d"));
        await Expect(page.Locator("#chart-upload-now")).Not.ToHaveTextAsync("0 B/s");
        await Expect(page.Locator("#chart-download-now")).Not.ToHaveTextAsync("0 B/s");

        await PageSteps.ScreenshotAsync(page, "admin-dashboard", output);
        if (Environment.GetEnvironmentVariable("FERRY_DOCS_SCREENSHOT") is { Length: > 0 } docs)
        {
            // docs/images/admin-dashboard.png is made this way, from a real run (README, "The web
            // page"), once the chart holds half a minute of the transfers.
            await page.WaitForFunctionAsync("() => document.getElementById('chart-upload').getAttribute('points').split(' ').length >= 30", null, new() { Timeout = 90_000 });
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = docs, FullPage = true });
            output.WriteLine($"screenshot for the README: {docs}");
        }

        // Kick, confirmed in the page's dialog: the rows go and curl's upload fails; then the download's session.
        var uploadSession = page.Locator("#sessions-body tr", new() { HasText = "STOR" });
        await Expect(uploadSession).ToContainTextAsync("127.0.0.1");
        await uploadSession.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Kick session") }).ClickAsync();
        await PageSteps.ConfirmAsync(page, "Kick");
        await Expect(page.Locator("#notice")).ToContainTextAsync("disconnected");
        await Expect(row).ToHaveCountAsync(0);
        var uploaded = await upload;
        Assert.True(uploaded.ExitCode != 0, uploaded.Describe());

        await page.Locator("#sessions-body tr", new() { HasText = "RETR" }).GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Kick session") }).ClickAsync();
        await PageSteps.ConfirmAsync(page, "Kick");
        await Expect(page.Locator("#sessions-body tr")).ToHaveCountAsync(0);
        await Expect(page.Locator("#transfers-empty")).ToBeVisibleAsync();
        var downloaded = await download;
        Assert.True(downloaded.ExitCode != 0, downloaded.Describe());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task After_a_server_restart_the_live_view_notices_asks_for_a_new_login_and_is_live_again()
    {
        await using var server = await AdminPageServer.StartAsync("web-restart");
        var page = await browser.NewPageAsync();
        var errors = PageSteps.CollectErrors(page);
        await PageSteps.LogInAsync(page, server, AdminPageServer.AdminName, server.AdminPassword);
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("Live");

        Assert.Equal(0, await server.Harness.StopAsync(TimeSpan.FromSeconds(20)));
        await Expect(page.Locator("#live-state")).ToHaveTextAsync(new Regex("Reconnecting|Disconnected"));

        // The same ports and data folder; admin sessions are in the server's memory, so the page's
        // stream, reconnecting by itself, is refused (401) and the page asks for a login.
        await server.Harness.StartAsync();
        await Expect(page.Locator("#login-error")).ToContainTextAsync("Your session has ended");
        await PageSteps.SubmitLoginAsync(page, AdminPageServer.AdminName, server.AdminPassword);
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("Live");

        // The browser logs the refused connections while the server is down; nothing else.
        Assert.DoesNotContain(errors, e => !e.Contains("net::ERR_CONNECTION_REFUSED", StringComparison.Ordinal) && !e.Contains("/api/live", StringComparison.Ordinal));
    }

    [Fact]
    public async Task At_phone_width_the_page_does_not_scroll_sideways_and_tables_become_cards()
    {
        await using var server = await AdminPageServer.StartAsync("web-phone");
        await using var ftp = await server.Harness.LoginAsync();
        var page = await browser.NewPageAsync(390, 844);
        var errors = PageSteps.CollectErrors(page);
        await PageSteps.LogInAsync(page, server, AdminPageServer.AdminName, server.AdminPassword);

        var session = page.Locator("#sessions-body tr", new() { HasText = ServeHarnessUser });
        await Expect(session).ToBeVisibleAsync();
        Assert.True(await FitsWidthAsync(page), await WidthsAsync(page));
        // A card: the column header is hidden and each cell shows its own label beside the value.
        await Expect(page.Locator("#sessions thead")).Not.ToBeInViewportAsync();
        Assert.Equal("Address", await session.Locator("td").Nth(1).EvaluateAsync<string>("td => getComputedStyle(td, '::before').content.replaceAll('\"', '')"));
        await PageSteps.ScreenshotAsync(page, "admin-dashboard-phone", output);

        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Expect(page.Locator("#users-body tr", new() { HasText = ServeHarnessUser })).ToBeVisibleAsync();
        Assert.True(await FitsWidthAsync(page), await WidthsAsync(page));
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit user " + ServeHarnessUser }).ClickAsync();
        await Expect(page.Locator("#user-dialog")).ToBeVisibleAsync();
        Assert.True(await FitsWidthAsync(page), await WidthsAsync(page));
        var dialogBox = await page.Locator("#user-dialog").BoundingBoxAsync();
        Assert.True(dialogBox is not null && dialogBox.X >= 0 && dialogBox.X + dialogBox.Width <= 390, $"dialog at {dialogBox?.X}+{dialogBox?.Width}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Bans" }).ClickAsync();
        await Expect(page.GetByLabel("Address or network")).ToBeVisibleAsync();
        Assert.True(await FitsWidthAsync(page), await WidthsAsync(page));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_dashboard_users_and_bans_views_have_no_serious_accessibility_violations()
    {
        await using var server = await AdminPageServer.StartAsync("web-axe");
        await using var ftp = await server.Harness.LoginAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.BaseUrl + "/admin/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "login");
        await PageSteps.SubmitLoginAsync(page, AdminPageServer.AdminName, server.AdminPassword);
        await Expect(page.Locator("#sessions-body tr", new() { HasText = ServeHarnessUser })).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "dashboard");

        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Expect(page.Locator("#users-body tr", new() { HasText = ServeHarnessUser })).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "users");
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit user " + ServeHarnessUser }).ClickAsync();
        await Expect(page.Locator("#user-dialog")).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "user form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Bans" }).ClickAsync();
        await Expect(page.GetByLabel("Address or network")).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "bans");
    }

    private const string ServeHarnessUser = Host.ServeHarness.UserName;

    private static async Task AssertNoSeriousViolationsAsync(IPage page, string view)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{view}: " + string.Join("; ", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    /// <summary>Waits (Playwright polls the page, no sleeps) until the row's byte count passes <paramref name="above"/>, and returns it.</summary>
    private static async Task<long> WaitForBytesAboveAsync(IPage page, string rowId, long above)
    {
        var handle = await page.WaitForFunctionAsync(
            "([id, above]) => { const c = document.getElementById(id)?.querySelector('td.bytes'); const n = c ? Number(c.dataset.bytes) : 0; return n > above ? n : false; }",
            new object[] { rowId, above });
        return await handle.JsonValueAsync<long>();
    }

    private static Task<bool> FitsWidthAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth && document.body.scrollWidth <= document.documentElement.clientWidth");

    private static Task<string> WidthsAsync(IPage page) =>
        page.EvaluateAsync<string>("() => `scrollWidth ${document.documentElement.scrollWidth}, body ${document.body.scrollWidth}, clientWidth ${document.documentElement.clientWidth}`");
}
