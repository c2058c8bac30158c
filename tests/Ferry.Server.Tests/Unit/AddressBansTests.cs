using System.Net;
using Ferry.Server.Security;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.Unit;

/// <summary>The ban bookkeeping on its own: IPv6 networks, IPv4-mapped addresses, bounded memory.</summary>
public sealed class AddressBansTests
{
    private static AddressBans Create(FakeTimeProvider time, int failures = 3, int ipv6Prefix = 64) =>
        new(new FtpServerOptions { BanFailedLogins = failures, BanWindow = TimeSpan.FromMinutes(10), BanDuration = TimeSpan.FromHours(1), BanIPv6PrefixLength = ipv6Prefix, BanAllowList = [] }, time);

    [Fact]
    public void IPv6_addresses_of_one_64_share_a_ban_and_another_64_does_not()
    {
        var bans = Create(new FakeTimeProvider());
        Assert.Null(bans.RecordFailure(IPAddress.Parse("2001:db8:1:2::10")));
        Assert.Null(bans.RecordFailure(IPAddress.Parse("2001:db8:1:2::11")));
        Assert.NotNull(bans.RecordFailure(IPAddress.Parse("2001:db8:1:2:ffff::1")));

        Assert.True(bans.IsBanned(IPAddress.Parse("2001:db8:1:2:abcd::9"), out _));
        Assert.False(bans.IsBanned(IPAddress.Parse("2001:db8:1:3::10"), out _));
        Assert.Equal("2001:db8:1:2::/64", bans.Describe(IPAddress.Parse("2001:db8:1:2::10")));
    }

    [Fact]
    public void Prefix_128_bans_single_IPv6_addresses()
    {
        var bans = Create(new FakeTimeProvider(), failures: 1, ipv6Prefix: 128);
        Assert.NotNull(bans.RecordFailure(IPAddress.Parse("2001:db8::1")));
        Assert.True(bans.IsBanned(IPAddress.Parse("2001:db8::1"), out _));
        Assert.False(bans.IsBanned(IPAddress.Parse("2001:db8::2"), out _));
    }

    [Fact]
    public void An_IPv4_mapped_address_is_the_IPv4_address()
    {
        var bans = Create(new FakeTimeProvider(), failures: 1);
        Assert.NotNull(bans.RecordFailure(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.True(bans.IsBanned(IPAddress.Parse("192.0.2.7"), out var until));
        Assert.True(until > DateTimeOffset.UnixEpoch);
        Assert.Equal("192.0.2.7/32", bans.Describe(IPAddress.Parse("::ffff:192.0.2.7")));
    }

    [Fact]
    public void Failures_while_banned_do_not_extend_the_ban()
    {
        var time = new FakeTimeProvider();
        var bans = Create(time, failures: 1);
        var address = IPAddress.Parse("192.0.2.8");
        var until = bans.RecordFailure(address);
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(bans.RecordFailure(address));
        Assert.True(bans.IsBanned(address, out var still));
        Assert.Equal(until, still);
    }

    [Fact]
    public void Stale_records_from_a_wide_scan_are_swept()
    {
        var time = new FakeTimeProvider();
        var bans = Create(time, failures: 3);
        for (var i = 0; i < 12_000; i++)
        {
            bans.RecordFailure(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]));
        }

        Assert.Equal(12_000, bans.TrackedCount);

        // Past the window those single failures count for nothing; the next failure sweeps them.
        time.Advance(TimeSpan.FromMinutes(11));
        bans.RecordFailure(IPAddress.Parse("192.0.2.9"));
        Assert.Equal(1, bans.TrackedCount);
    }

    [Fact]
    public void Reservations_and_failures_together_never_exceed_the_threshold()
    {
        var bans = Create(new FakeTimeProvider(), failures: 3);
        var address = IPAddress.Parse("192.0.2.10");
        Assert.Null(bans.RecordFailure(address));
        Assert.Equal(FailureReservation.Reserved, bans.TryReserve(address, out _));
        Assert.Equal(FailureReservation.Reserved, bans.TryReserve(address, out _));

        // One failure and two checks in progress: a fourth check could outrun the ban.
        Assert.Equal(FailureReservation.Full, bans.TryReserve(address, out _));

        // A check that succeeds gives its room back; one that fails is the one that bans.
        bans.Release(address);
        Assert.Equal(FailureReservation.Reserved, bans.TryReserve(address, out _));
        Assert.Null(bans.RecordFailure(address, reserved: true));
        Assert.NotNull(bans.RecordFailure(address, reserved: true));
        Assert.Equal(FailureReservation.Banned, bans.TryReserve(address, out var until));
        Assert.True(until > DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void Allow_listed_addresses_and_disabled_bans_reserve_nothing()
    {
        var allowed = new AddressBans(new FtpServerOptions { BanFailedLogins = 1, BanAllowList = ["192.0.2.0/24"] }, new FakeTimeProvider());
        Assert.Equal(FailureReservation.NotCounted, allowed.TryReserve(IPAddress.Parse("192.0.2.11"), out _));
        var off = new AddressBans(new FtpServerOptions { BanFailedLogins = 0 }, new FakeTimeProvider());
        Assert.Equal(FailureReservation.NotCounted, off.TryReserve(IPAddress.Parse("192.0.2.11"), out _));
        Assert.Equal(0, off.TrackedCount);
    }

    [Fact]
    public void A_record_with_a_check_in_progress_survives_the_sweep()
    {
        var time = new FakeTimeProvider();
        var bans = Create(time, failures: 2);
        var checking = IPAddress.Parse("192.0.2.12");
        Assert.Null(bans.RecordFailure(checking));
        Assert.Equal(FailureReservation.Reserved, bans.TryReserve(checking, out _));
        for (var i = 0; i < 12_000; i++)
        {
            bans.RecordFailure(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]));
        }

        time.Advance(TimeSpan.FromMinutes(11));
        bans.RecordFailure(IPAddress.Parse("192.0.2.13"));
        Assert.Equal(2, bans.TrackedCount);

        // The check in progress settles into the record it reserved in: with the new failure,
        // two within the window, so it bans.
        Assert.Null(bans.RecordFailure(checking));
        Assert.NotNull(bans.RecordFailure(checking, reserved: true));
    }
}
