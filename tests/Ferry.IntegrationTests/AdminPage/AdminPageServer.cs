using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.IntegrationTests.Host;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.AdminPage;

/// <summary>
/// A real `ferry serve` (the Host harness: its own folder, data folder, user bob, FTP and passive
/// ports) with the operations listener on a free loopback port, so the admin API and page are
/// served; and the first admin's generated password, read from the file the server writes it to.
/// </summary>
internal sealed partial class AdminPageServer : IAsyncDisposable
{
    public const string AdminName = "admin";

    private AdminPageServer(ServeHarness harness, string operationsHost, int operationsPort)
    {
        Harness = harness;
        OperationsHost = operationsHost;
        OperationsPort = operationsPort;
    }

    public ServeHarness Harness { get; }

    public string OperationsHost { get; }

    public int OperationsPort { get; }

    /// <summary>The password of admin "admin" (role admin); none when the test set the Admin section.</summary>
    public string AdminPassword => Passwords[AdminName];

    /// <summary>Every admin's password, by name.</summary>
    public Dictionary<string, string> Passwords { get; } = new(StringComparer.Ordinal);

    /// <summary>The listener's root, e.g. http://127.0.0.1:12345 (the page redirects from / to /admin/).</summary>
    public string BaseUrl => $"http://{(OperationsHost.Contains(':', StringComparison.Ordinal) ? $"[{OperationsHost}]" : OperationsHost)}:{OperationsPort.ToString(CultureInfo.InvariantCulture)}";

    public string FtpUrl(string path) => $"ftp://127.0.0.1:{Harness.Port.ToString(CultureInfo.InvariantCulture)}{path}";

    /// <summary>
    /// Starts it; <paramref name="operationsHost"/> is where the page is served (the ban test serves
    /// it on ::1 so that banning the FTP client's 127.0.0.1 does not lock the browser out too).
    /// Without <paramref name="otherAdmins"/> the first start creates "admin" itself; with them,
    /// `ferry admin add` makes "admin" and each of them before the start. <paramref name="server"/>
    /// adds Server settings (rate limits, say); <paramref name="admin"/> is the Admin section (then
    /// no admin password is read); <paramref name="storage"/> is the Storage section (S3 profiles).
    /// </summary>
    public static async Task<AdminPageServer> StartAsync(
        string prefix,
        string operationsHost = "127.0.0.1",
        IReadOnlyList<(string Name, string Role)>? otherAdmins = null,
        IReadOnlyDictionary<string, object?>? server = null,
        IReadOnlyDictionary<string, object?>? admin = null,
        IReadOnlyDictionary<string, object?>? storage = null)
    {
        var harness = await ServeHarness.CreateAsync(prefix);
        var ferry = new AdminPageServer(harness, operationsHost, FerryProcess.FreePort());
        try
        {
            var section = new Dictionary<string, object?>
            {
                ["ListenAddress"] = "127.0.0.1",
                ["Port"] = harness.Port,
                ["PassivePorts"] = harness.PassivePorts,
            };
            foreach (var (key, value) in server ?? new Dictionary<string, object?>())
            {
                section[key] = value;
            }

            harness.WriteConfigText(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["DataDir"] = harness.DataDir,
                ["LogLevel"] = "Information",
                ["Server"] = section,
                ["Operations"] = new Dictionary<string, object?> { ["Listen"] = ferry.BaseUrl["http://".Length..] },
                ["Admin"] = admin ?? new Dictionary<string, object?>(),
                ["Storage"] = storage ?? new Dictionary<string, object?>(),
            }));
            (string Name, string Role)[] admins = otherAdmins is null ? [] : [(AdminName, "admin"), .. otherAdmins];
            foreach (var (name, role) in admins)
            {
                ferry.Passwords[name] = await AddAdminAsync(harness, name, role);
            }

            await harness.StartAsync();
            if (otherAdmins is null && admin is null)
            {
                ferry.Passwords[AdminName] = await ReadFirstAdminPasswordAsync(harness);
            }

            return ferry;
        }
        catch
        {
            await ferry.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The first start creates admin "admin" and, as stdout is not a terminal, writes its password to
    /// DATADIR/first-admin-login.txt ("... with password '…'."), as it does for the first FTP user.
    /// </summary>
    private static async Task<string> ReadFirstAdminPasswordAsync(ServeHarness harness)
    {
        var file = Path.Combine(harness.DataDir, "first-admin-login.txt");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!File.Exists(file) && !timeout.IsCancellationRequested)
        {
            await Task.Delay(25);
        }

        Assert.True(File.Exists(file), $"no {file}; log: {harness.Server.Output}");
        var match = FirstAdminPassword().Match(await File.ReadAllTextAsync(file));
        Assert.True(match.Success, $"no password in {file}");
        return match.Groups[1].Value;
    }

    /// <summary>
    /// Another admin account, made with `ferry admin add NAME --role ROLE` before the server starts
    /// (it prints the generated password, as the first start does); returns the password.
    /// </summary>
    private static async Task<string> AddAdminAsync(ServeHarness harness, string name, string role)
    {
        await using var add = await FerryProcess.RunAsync(null, "admin", "add", name, "--role", role, "--data-dir", harness.DataDir);
        Assert.True(add.ExitCode == 0, add.Output + add.Errors);
        var match = AnyPassword().Match(add.Output);
        Assert.True(match.Success, $"no password in: {add.Output}");
        return match.Groups[1].Value;
    }

    /// <summary>curl as bob against the FTP server, with a hard timeout.</summary>
    public static Task<ClientResult> CurlAsync(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["-sS", "--max-time", "60", "-u", ServeHarness.UserName + ":" + ServeHarness.Password, .. arguments], timeout: TimeSpan.FromSeconds(90));

    /// <summary>A file of <paramref name="size"/> random letters in the harness folder (not in bob's home).</summary>
    public string MakeFile(string name, int size)
    {
        var path = Path.Combine(Harness.Folder, name);
        File.WriteAllText(path, System.Security.Cryptography.RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", size));
        return path;
    }

    public ValueTask DisposeAsync() => Harness.DisposeAsync();

    [GeneratedRegex("with password '([^']+)'")]
    private static partial Regex FirstAdminPassword();

    [GeneratedRegex("password '([^']+)'")]
    private static partial Regex AnyPassword();
}
