using Ferry.Server.Security;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.Unit;

/// <summary>The verified-login cache: exact credentials only, bound to the stored hash, for its lifetime only.</summary>
public sealed class VerifiedLoginCacheTests
{
    [Fact]
    public void Only_the_same_name_password_and_stored_hash_hit()
    {
        var cache = new VerifiedLoginCache(TimeSpan.FromMinutes(2), new FakeTimeProvider());
        cache.Add("alice", "secret", "hash-1");

        Assert.True(cache.Contains("alice", "secret", "hash-1"));
        Assert.False(cache.Contains("alice", "Secret", "hash-1"));
        Assert.False(cache.Contains("alice", "secret", "hash-2"));
        Assert.False(cache.Contains("bob", "secret", "hash-1"));

        // Field boundaries matter: moving a character from the name to the password is another login.
        cache.Add("ab", "c", "h");
        Assert.False(cache.Contains("a", "bc", "h"));
    }

    [Fact]
    public void An_entry_lasts_its_lifetime_and_no_longer()
    {
        var time = new FakeTimeProvider();
        var cache = new VerifiedLoginCache(TimeSpan.FromMinutes(2), time);
        cache.Add("alice", "secret", "hash");
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.True(cache.Contains("alice", "secret", "hash"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.Contains("alice", "secret", "hash"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_zero_lifetime_remembers_nothing()
    {
        var cache = new VerifiedLoginCache(TimeSpan.Zero, new FakeTimeProvider());
        cache.Add("alice", "secret", "hash");
        Assert.False(cache.Contains("alice", "secret", "hash"));
        Assert.Equal(0, cache.Count);
    }
}
