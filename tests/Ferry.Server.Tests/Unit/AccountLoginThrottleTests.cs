using Ferry.Server.Security;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.Unit;

/// <summary>The per-account turn schedule on a fake clock: free failures, then spacing that doubles up to the maximum, refusals beyond it.</summary>
public sealed class AccountLoginThrottleTests
{
    private static AccountLoginThrottle Create(FakeTimeProvider time, TimeSpan? maxDelay = null) =>
        new(new FtpServerOptions { AccountLoginThrottleMaxDelay = maxDelay ?? TimeSpan.FromSeconds(4), BanWindow = TimeSpan.FromMinutes(10) }, time);

    [Fact]
    public void Simultaneous_checks_of_one_account_are_spaced_once_it_has_failed_ten_times_and_refused_past_the_maximum()
    {
        var throttle = Create(new FakeTimeProvider());
        var turns = Enumerable.Range(0, 20).Select(_ => throttle.TakeTurn("alice")).ToList();

        // Checks in progress count: the first ten start at once, then 0.25, 0.5, 1, 2 s apart.
        Assert.All(turns.Take(11), turn => Assert.Equal(TimeSpan.Zero, turn.Wait));
        Assert.Equal(
            [0.25, 0.75, 1.75, 3.75],
            turns.Skip(11).Take(4).Select(turn => turn.Wait.TotalSeconds));
        Assert.All(turns.Skip(15), turn => Assert.True(turn.Refused));
        Assert.Single(turns, turn => turn.ThrottlingStarted);
    }

    [Fact]
    public void Once_the_turns_have_passed_the_account_is_spaced_at_the_maximum_until_its_failures_leave_the_window()
    {
        var time = new FakeTimeProvider();
        var throttle = Create(time, TimeSpan.FromSeconds(2));
        for (var i = 0; i < 14; i++)
        {
            throttle.Settle(throttle.TakeTurn("alice"), failed: true);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        var first = throttle.TakeTurn("alice");
        var second = throttle.TakeTurn("alice");
        Assert.Equal(TimeSpan.Zero, first.Wait);
        Assert.Equal(TimeSpan.FromSeconds(2), second.Wait);

        time.Advance(TimeSpan.FromMinutes(10));
        throttle.Settle(first, failed: false);
        throttle.Settle(second, failed: false);
        Assert.Equal(TimeSpan.Zero, throttle.TakeTurn("alice").Wait);
        Assert.Equal(TimeSpan.Zero, throttle.TakeTurn("alice").Wait);
    }

    [Fact]
    public void Names_differing_in_case_share_a_schedule_and_other_names_are_untouched()
    {
        var throttle = Create(new FakeTimeProvider());
        for (var i = 0; i < 12; i++)
        {
            throttle.TakeTurn(i % 2 == 0 ? "alice" : "ALICE");
        }

        Assert.True(throttle.TakeTurn("Alice").Wait > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, throttle.TakeTurn("bob").Wait);
    }

    [Fact]
    public void A_spray_of_made_up_names_is_bounded_and_the_untracked_ones_share_one_schedule()
    {
        var throttle = Create(new FakeTimeProvider());
        for (var i = 0; i < 10_000; i++)
        {
            throttle.TakeTurn("name-" + i);
        }

        Assert.Equal(10_000, throttle.TrackedCount);
        var overflow = Enumerable.Range(0, 20).Select(i => throttle.TakeTurn("more-" + i)).ToList();
        Assert.Equal(10_000, throttle.TrackedCount);
        Assert.Contains(overflow, turn => turn.Refused);
    }

    [Fact]
    public void Zero_turns_the_throttle_off()
    {
        var throttle = Create(new FakeTimeProvider(), TimeSpan.Zero);
        Assert.All(Enumerable.Range(0, 50).Select(_ => throttle.TakeTurn("alice")), turn => Assert.False(turn.Refused || turn.Wait > TimeSpan.Zero));
        Assert.Equal(0, throttle.TrackedCount);
    }

    [Theory]
    [InlineData(-1, 4, "MaxLoginChecksPerAddress")]
    [InlineData(1001, 4, "MaxLoginChecksPerAddress")]
    [InlineData(2, -1, "AccountLoginThrottleMaxDelay")]
    [InlineData(2, 61, "AccountLoginThrottleMaxDelay")]
    public void Out_of_range_settings_are_refused_naming_the_key(int maxChecks, int maxDelaySeconds, string key)
    {
        var errors = new FtpServerOptions { MaxLoginChecksPerAddress = maxChecks, AccountLoginThrottleMaxDelay = TimeSpan.FromSeconds(maxDelaySeconds) }.Validate();
        Assert.Contains(errors, error => error.StartsWith(key + ":", StringComparison.Ordinal));
    }
}
