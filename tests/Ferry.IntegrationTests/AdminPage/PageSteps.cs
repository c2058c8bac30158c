using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Ferry.IntegrationTests.AdminPage;

/// <summary>What the admin page tests do in the browser more than once: log in, watch for script errors, take screenshots.</summary>
internal static class PageSteps
{
    /// <summary>Where screenshots go: TestResults/screenshots beside the test assembly (kept as test artifacts).</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>Opens the listener's root (redirected to /admin/) and logs in through the form, by its labels.</summary>
    public static async Task LogInAsync(IPage page, AdminPageServer server, string name, string password)
    {
        await page.GotoAsync(server.BaseUrl + "/");
        await SubmitLoginAsync(page, name, password);
    }

    /// <summary>Fills and sends the login form the page shows now.</summary>
    public static async Task SubmitLoginAsync(IPage page, string name, string password)
    {
        var form = page.Locator("#login-form");
        await form.GetByLabel("Admin name").FillAsync(name);
        await form.GetByLabel("Password").FillAsync(password);
        await form.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.Locator("#whoami-name")).ToHaveTextAsync(name);
    }

    /// <summary>
    /// Script errors and console errors of the page, collected as they happen (a CSP violation from
    /// inline script or style shows up here). "Failed to load resource" is left out: the page asks
    /// /api/auth/me before login and reads its 401 as "not logged in".
    /// </summary>
    public static List<string> CollectErrors(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, error) => { lock (errors) { errors.Add("page error: " + error); } };
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                lock (errors)
                {
                    errors.Add("console: " + message.Text);
                }
            }
        };
        return errors;
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name, ITestOutputHelper output)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    /// <summary>The page's own confirmation dialog (a &lt;dialog&gt;, not window.confirm): answers with its button.</summary>
    public static async Task ConfirmAsync(IPage page, string yes)
    {
        var dialog = page.Locator("#confirm-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = yes, Exact = true }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
    }
}
