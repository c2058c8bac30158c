using System.Text.RegularExpressions;
using Ferry.IntegrationTests.Host;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ferry.IntegrationTests.AdminPage;

/// <summary>
/// Changes made in the web admin page, in real headless Chromium, seen by real FTP clients of a
/// real `ferry serve`: a permission removed in the user form refuses the next upload; a user
/// created with a generated password logs in with it; a ban added in the page refuses the client
/// and lifting it admits it again; a read-only admin is shown no button that changes anything.
/// </summary>
public sealed class AdminChangeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Removing_write_in_the_user_form_makes_the_next_ftp_upload_refused()
    {
        await using var server = await AdminPageServer.StartAsync("web-perm");
        var small = server.MakeFile("small.txt", 1000);
        (await AdminPageServer.CurlAsync("-T", small, server.FtpUrl("/before.bin"))).AssertSuccess();

        var page = await browser.NewPageAsync();
        var errors = PageSteps.CollectErrors(page);
        await PageSteps.LogInAsync(page, server, AdminPageServer.AdminName, server.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        var row = page.Locator("#users-body tr", new() { HasText = ServeHarness.UserName });
        await Expect(row).ToContainTextAsync("write");
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit user " + ServeHarness.UserName }).ClickAsync();
        var write = page.GetByLabel("write (upload)");
        await Expect(write).ToBeCheckedAsync();
        await write.UncheckAsync();
        // Limits ride along, to prove each field reaches the API under its own name.
        await page.GetByLabel("Quota, files").FillAsync("50");
        await page.GetByLabel("Upload limit, bytes/s").FillAsync("65536");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync($"User {ServeHarness.UserName} saved");
        await Expect(row.Locator("td").Nth(2)).Not.ToHaveTextAsync(new Regex("(^|, )write(,|$)"));
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("50 files, ↑ 64.0 KiB/s");

        // The next login obeys it: the upload is refused with 550, downloads still work.
        var refused = await AdminPageServer.CurlAsync("-v", "-T", small, server.FtpUrl("/after.bin"));
        refused.AssertExitCode(25);
        Assert.Contains("< 550", refused.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server.Harness.Home, "after.bin")));
        var download = await AdminPageServer.CurlAsync(server.FtpUrl("/before.bin"));
        download.AssertSuccess();
        Assert.Equal(await File.ReadAllTextAsync(small), download.StdOut);

        // Opened again, the form shows what the server keeps.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit user " + ServeHarness.UserName }).ClickAsync();
        await Expect(page.GetByLabel("write (upload)")).Not.ToBeCheckedAsync();
        await Expect(page.GetByLabel("read (download)")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Quota, files")).ToHaveValueAsync("50");
        await Expect(page.GetByLabel("Upload limit, bytes/s")).ToHaveValueAsync("65536");
        await Expect(page.GetByLabel("Quota, bytes")).ToHaveValueAsync(string.Empty);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_user_created_in_the_page_with_a_generated_password_logs_in_over_ftp()
    {
        await using var server = await AdminPageServer.StartAsync("web-create");
        var page = await browser.NewPageAsync();
        var errors = PageSteps.CollectErrors(page);
        await PageSteps.LogInAsync(page, server, AdminPageServer.AdminName, server.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New user" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("carol");

        // A relative home: the API's problem details are shown, and the field it names is marked.
        await page.GetByLabel("Home folder").FillAsync("relative/carol");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#user-error")).ToContainTextAsync("home");
        await Expect(page.GetByLabel("Home folder")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Home folder")).ToBeFocusedAsync();

        // In the data folder, which belongs to the account the server serves as (the harness folder is root's).
        var home = Path.Combine(server.Harness.DataDir, "carol");
        await page.GetByLabel("Home folder").FillAsync(home);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        // The generated password is shown once; it works over FTP.
        var secret = page.Locator("#secret-value");
        await Expect(secret).ToHaveTextAsync(new Regex(@"^\S{12,}$"));
        var password = await secret.TextContentAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(page.Locator("#users-body tr", new() { HasText = "carol" })).ToBeVisibleAsync();
        var list = await Support.ClientProcess.RunAsync("curl", ["-sS", "--max-time", "30", "-u", "carol:" + password, server.FtpUrl("/")]);
        list.AssertSuccess();

        // Disabled in the form: the next login is refused.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit user carol" }).ClickAsync();
        await page.GetByLabel("disabled").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#users-body tr", new() { HasText = "carol" }).Locator("td").Nth(4)).ToHaveTextAsync("disabled");
        var refused = await Support.ClientProcess.RunAsync("curl", ["-sS", "-v", "--max-time", "30", "-u", "carol:" + password, server.FtpUrl("/")]);
        Assert.True(refused.ExitCode != 0 && refused.StdErr.Contains("< 530", StringComparison.Ordinal), refused.Describe());

        // A name already taken: the API's problem details are shown in the form.
        await page.GetByRole(AriaRole.Button, new() { Name = "New user" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("carol");
        await page.GetByLabel("Home folder").FillAsync(home);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#user-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#user-error")).ToContainTextAsync("carol");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_password_reset_in_the_page_changes_the_ftp_login_and_deleting_the_user_refuses_it()
    {
        await using var server = await AdminPageServer.StartAsync("web-reset");
        (await AdminPageServer.CurlAsync(server.FtpUrl("/"))).AssertSuccess();
        await using var running = await server.Harness.LoginAsync();

        var page = await browser.NewPageAsync();
        var errors = PageSteps.CollectErrors(page);
        await PageSteps.LogInAsync(page, server, AdminPageServer.AdminName, server.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit user " + ServeHarness.UserName }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate a password" }).ClickAsync();
        var typed = await page.GetByLabel("New password").InputValueAsync();
        Assert.Matches(@"^\S{20}$", typed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#secret-value")).ToHaveTextAsync(typed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        // The old password is refused (530), the new one logs in.
        var old = await AdminPageServer.CurlAsync("-v", server.FtpUrl("/"));
        Assert.True(old.ExitCode != 0 && old.StdErr.Contains("< 530", StringComparison.Ordinal), old.Describe());
        (await Support.ClientProcess.RunAsync("curl", ["-sS", "--max-time", "30", "-u", $"{ServeHarness.UserName}:{typed}", server.FtpUrl("/")])).AssertSuccess();

        // Delete, confirmed: the row goes, the running session is disconnected, the login refused.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit user " + ServeHarness.UserName }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete user" }).ClickAsync();
        await PageSteps.ConfirmAsync(page, "Delete");
        await Expect(page.Locator("#notice")).ToContainTextAsync($"User {ServeHarness.UserName} deleted");
        await Expect(page.Locator("#users-body tr", new() { HasText = ServeHarness.UserName })).ToHaveCountAsync(0);
        var gone = await Support.ClientProcess.RunAsync("curl", ["-sS", "-v", "--max-time", "30", "-u", $"{ServeHarness.UserName}:{typed}", server.FtpUrl("/")]);
        Assert.True(gone.ExitCode != 0 && gone.StdErr.Contains("< 530", StringComparison.Ordinal), gone.Describe());
        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("Live");
        await Expect(page.Locator("#sessions-body tr", new() { HasText = ServeHarness.UserName })).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_ban_added_in_the_page_refuses_the_ftp_client_and_lifting_it_admits_it_again()
    {
        // The page on ::1, FTP on 127.0.0.1: banning the FTP client's address leaves the browser in.
        await using var server = await AdminPageServer.StartAsync("web-ban", operationsHost: "::1");
        (await AdminPageServer.CurlAsync(server.FtpUrl("/"))).AssertSuccess();

        var page = await browser.NewPageAsync();
        var errors = PageSteps.CollectErrors(page);
        await PageSteps.LogInAsync(page, server, AdminPageServer.AdminName, server.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Bans" }).ClickAsync();
        await Expect(page.Locator("#bans-empty")).ToBeVisibleAsync();
        await page.GetByLabel("Address or network").FillAsync("127.0.0.1");
        await page.GetByLabel("Duration (minutes)").FillAsync("10");
        await page.GetByLabel("Reason").FillAsync("browser test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ban", Exact = true }).ClickAsync();
        var row = page.Locator("#bans-body tr", new() { HasText = "127.0.0.1" });
        await Expect(row).ToContainTextAsync("browser test");
        await Expect(row).ToContainTextAsync("manual");

        var refused = await AdminPageServer.CurlAsync("-v", server.FtpUrl("/"));
        Assert.True(refused.ExitCode != 0, refused.Describe());
        Assert.Contains("< 421", refused.StdErr, StringComparison.Ordinal);

        await row.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Lift the ban of 127\\.0\\.0\\.1") }).ClickAsync();
        await PageSteps.ConfirmAsync(page, "Lift");
        await Expect(page.Locator("#notice")).ToContainTextAsync("lifted");
        await Expect(row).ToHaveCountAsync(0);
        (await AdminPageServer.CurlAsync(server.FtpUrl("/"))).AssertSuccess();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_read_only_admin_sees_everything_but_no_button_that_changes_anything()
    {
        await using var server = await AdminPageServer.StartAsync("web-readonly", otherAdmins: [("viewer", "readonly")]);
        await using var ftp = await server.Harness.LoginAsync();

        // An admin bans a documentation address (RFC 5737), so the viewer has a ban to look at.
        var adminPage = await browser.NewPageAsync();
        await PageSteps.LogInAsync(adminPage, server, AdminPageServer.AdminName, server.AdminPassword);
        await adminPage.GetByRole(AriaRole.Link, new() { Name = "Bans" }).ClickAsync();
        await adminPage.GetByLabel("Address or network").FillAsync("192.0.2.7");
        await adminPage.GetByRole(AriaRole.Button, new() { Name = "Ban", Exact = true }).ClickAsync();
        await Expect(adminPage.Locator("#bans-body tr", new() { HasText = "192.0.2.7" })).ToBeVisibleAsync();

        var page = await browser.NewPageAsync();
        var errors = PageSteps.CollectErrors(page);
        await PageSteps.LogInAsync(page, server, "viewer", server.Passwords["viewer"]);
        await Expect(page.Locator("#whoami-role")).ToHaveTextAsync("read-only");

        await Expect(page.Locator("#sessions-body tr", new() { HasText = ServeHarness.UserName })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Kick") })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Expect(page.Locator("#users-body tr", new() { HasText = ServeHarness.UserName })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Edit|New user|Delete") })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Bans" }).ClickAsync();
        await Expect(page.Locator("#bans-body tr", new() { HasText = "192.0.2.7" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Lift|^Ban$") })).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Address or network")).ToBeHiddenAsync();

        // The only buttons a read-only admin is shown: navigation-free ones that change nothing.
        var visible = await page.GetByRole(AriaRole.Button).AllInnerTextsAsync();
        Assert.All(visible, text => Assert.Contains(text.Trim(), new[] { "Log out", "Previous page", "Next page" }));
        Assert.Empty(errors);
    }
}
