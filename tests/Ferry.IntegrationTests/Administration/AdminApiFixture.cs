using System.Text.Json.Nodes;

namespace Ferry.IntegrationTests.Administration;

/// <summary>
/// One server for <see cref="AdminApiTests"/> (its tests run one after another): bans reach
/// loopback (BanAllowList empty) after 3 failures, with no pause, so a ban test uses its own
/// 127.0.0.x source address and leaves 127.0.0.1, where the API client talks from, alone.
/// </summary>
public sealed class AdminApiFixture : IAsyncLifetime
{
    public static readonly JsonObject ServerSettings = new()
    {
        ["BanAllowList"] = new JsonArray(),
        ["BanFailedLogins"] = 3,
        ["FailedLoginDelay"] = "00:00:00",
    };

    private AdminFerry? _ferry;

    internal AdminFerry Ferry => _ferry ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _ferry = await AdminFerry.StartAsync("admin-api", ServerSettings);

    public async Task DisposeAsync()
    {
        if (_ferry is not null)
        {
            await _ferry.DisposeAsync();
        }
    }
}
