using System.Net;
using Ferry.Server.Security;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.Unit;

/// <summary>The per-address turns of password checks: the cap, first come first served, a ban refusing those waiting, a session leaving the line.</summary>
public sealed class AddressLoginGateTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.20");

    private static (AddressLoginGate Gate, AddressBans Bans) Create(int maxChecks = 2, int banFailures = 6)
    {
        var options = new FtpServerOptions { MaxLoginChecksPerAddress = maxChecks, BanFailedLogins = banFailures, BanAllowList = [] };
        var bans = new AddressBans(options, new FakeTimeProvider());
        return (new AddressLoginGate(bans, options), bans);
    }

    [Fact]
    public async Task Checks_over_the_cap_wait_and_are_admitted_in_order_as_others_end()
    {
        var (gate, _) = Create(maxChecks: 2);
        var first = await gate.EnterAsync(Client, null, CancellationToken.None);
        var second = await gate.EnterAsync(Client, null, CancellationToken.None);
        var waits = new List<int>();
        var third = gate.EnterAsync(Client, waits.Add, CancellationToken.None).AsTask();
        var fourth = gate.EnterAsync(Client, waits.Add, CancellationToken.None).AsTask();
        Assert.Equal([2, 3], waits);
        Assert.False(third.IsCompleted);

        // Another address is not held up.
        Assert.True((await gate.EnterAsync(IPAddress.Parse("192.0.2.21"), null, CancellationToken.None)).Admitted);

        gate.Leave(Client, first, failed: false);
        Assert.True((await third.WaitAsync(TimeSpan.FromSeconds(10))).Admitted);
        Assert.False(fourth.IsCompleted);
        gate.Leave(Client, second, failed: true);
        Assert.Equal(GateEntryKind.Reserved, (await fourth.WaitAsync(TimeSpan.FromSeconds(10))).Kind);
    }

    [Fact]
    public async Task Those_waiting_behind_the_failure_that_bans_are_refused_unchecked()
    {
        var (gate, bans) = Create(maxChecks: 0, banFailures: 2);
        var first = await gate.EnterAsync(Client, null, CancellationToken.None);
        var second = await gate.EnterAsync(Client, null, CancellationToken.None);

        // Two checks in progress already hold the whole threshold: the rest wait for them.
        var waiting = Enumerable.Range(0, 5).Select(_ => gate.EnterAsync(Client, null, CancellationToken.None).AsTask()).ToList();
        Assert.All(waiting, entry => Assert.False(entry.IsCompleted));

        Assert.Null(gate.Leave(Client, first, failed: true));
        Assert.All(waiting, entry => Assert.False(entry.IsCompleted));
        Assert.NotNull(gate.Leave(Client, second, failed: true));
        foreach (var entry in waiting)
        {
            Assert.Equal(GateEntryKind.Banned, (await entry.WaitAsync(TimeSpan.FromSeconds(10))).Kind);
        }

        Assert.True(bans.IsBanned(Client, out _));
        Assert.Equal(0, gate.ActiveAddresses);
    }

    [Fact]
    public async Task A_session_that_closes_while_waiting_leaves_the_line()
    {
        var (gate, _) = Create(maxChecks: 1);
        var first = await gate.EnterAsync(Client, null, CancellationToken.None);
        using var closing = new CancellationTokenSource();
        var gone = gate.EnterAsync(Client, null, closing.Token).AsTask();
        var next = gate.EnterAsync(Client, null, CancellationToken.None).AsTask();
        await closing.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone);

        gate.Leave(Client, first, failed: false);
        var entry = await next.WaitAsync(TimeSpan.FromSeconds(10));
        gate.Leave(Client, entry, failed: false);
        Assert.Equal(0, gate.ActiveAddresses);
    }
}
