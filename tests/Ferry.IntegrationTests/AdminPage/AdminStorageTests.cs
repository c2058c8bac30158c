using System.Text.RegularExpressions;
using Ferry.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ferry.IntegrationTests.AdminPage;

/// <summary>
/// Issue 16 in the web admin page, in real headless Chromium: a user created on an S3 profile
/// (storage "s3:NAME", no home folder) is listed with its storage, and a real FTP client's upload
/// lands in the profile's bucket on Ceph RGW; a storage naming no profile is refused in the form,
/// the field marked.
/// </summary>
public sealed class AdminStorageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_user_created_on_an_s3_profile_in_the_page_uploads_into_the_bucket()
    {
        await using var bucket = await S3Engine.Ceph.CreateBucketAsync("page");
        var options = bucket.Options();
        await using var server = await AdminPageServer.StartAsync("web-s3", storage: new Dictionary<string, object?>
        {
            ["S3"] = new Dictionary<string, object?>
            {
                ["partners"] = new Dictionary<string, object?>
                {
                    ["Endpoint"] = options.Endpoint,
                    ["Region"] = options.Region,
                    ["Bucket"] = options.Bucket,
                    ["AccessKey"] = options.AccessKey,
                    ["SecretKey"] = options.SecretKey,
                },
            },
        });
        var page = await browser.NewPageAsync();
        var errors = PageSteps.CollectErrors(page);
        await PageSteps.LogInAsync(page, server, AdminPageServer.AdminName, server.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New user" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("dana");

        // A profile that is not configured: the API's problem names the field, which is marked.
        await page.GetByLabel("Storage").FillAsync("s3:nope");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#user-error")).ToContainTextAsync("s3:partners");
        await Expect(page.GetByLabel("Storage")).ToHaveAttributeAsync("aria-invalid", "true");

        // The configured profile, and no home folder: saved, listed with its storage.
        await page.GetByLabel("Storage").FillAsync("s3:partners");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        var secret = page.Locator("#secret-value");
        await Expect(secret).ToHaveTextAsync(new Regex(@"^\S{12,}$"));
        var password = await secret.TextContentAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(page.Locator("#users-body tr", new() { HasText = "dana" }).Locator("td").Nth(1)).ToHaveTextAsync("s3:partners");

        // A real client's upload is an object under dana's prefix in the bucket, and comes back.
        var local = Path.Combine(server.Harness.DataDir, "report.csv");
        await File.WriteAllTextAsync(local, "id,amount\n1,42\n");
        var upload = await Support.ClientProcess.RunAsync("curl", ["-sS", "--max-time", "30", "-u", "dana:" + password, "-T", local, server.FtpUrl("/report.csv")]);
        upload.AssertSuccess();
        Assert.Equal("id,amount\n1,42\n", System.Text.Encoding.UTF8.GetString(await bucket.GetAsync("dana/report.csv") ?? []));

        // Editing keeps the storage shown in the form.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit user dana" }).ClickAsync();
        await Expect(page.GetByLabel("Storage")).ToHaveValueAsync("s3:partners");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        Assert.Empty(errors);
    }
}
