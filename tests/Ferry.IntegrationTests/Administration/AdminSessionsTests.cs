using Ferry.Administration;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.IntegrationTests.Administration;

/// <summary>The signed-in pages' idle lifetime (Admin:SessionLifetime) and bound, on a fake clock.</summary>
public sealed class AdminSessionsTests
{
    private static readonly AdminAccount Alice = new("alice", "hash", AdminRoles.Admin, Disabled: false);

    [Fact]
    public void A_session_lives_while_it_is_used_and_ends_after_the_idle_lifetime()
    {
        var time = new FakeTimeProvider();
        var sessions = new AdminSessions(TimeSpan.FromHours(8), time);
        var session = sessions.Create(Alice);
        Assert.NotEqual(session.Id, session.CsrfToken);

        // Used every seven hours, it outlives the lifetime many times over.
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromHours(7));
            Assert.Same(session, sessions.Find(session.Id));
        }

        time.Advance(TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1));
        Assert.Null(sessions.Find(session.Id));
        Assert.Null(sessions.Find("not-a-session"));
    }

    [Fact]
    public void The_CSRF_check_wants_the_sessions_own_token_and_sign_out_ends_it()
    {
        var sessions = new AdminSessions(TimeSpan.FromHours(8), new FakeTimeProvider());
        var session = sessions.Create(Alice);
        var other = sessions.Create(Alice);
        Assert.True(AdminSessions.CsrfMatches(session, session.CsrfToken));
        Assert.False(AdminSessions.CsrfMatches(session, other.CsrfToken));
        Assert.False(AdminSessions.CsrfMatches(session, null));
        Assert.False(AdminSessions.CsrfMatches(session, string.Empty));

        sessions.Remove(session.Id);
        Assert.Null(sessions.Find(session.Id));
        Assert.Same(other, sessions.Find(other.Id));
    }

    [Fact]
    public void A_sign_in_loop_cannot_grow_the_sessions_past_their_bound()
    {
        var time = new FakeTimeProvider();
        var sessions = new AdminSessions(TimeSpan.FromHours(8), time);
        var first = sessions.Create(Alice);
        time.Advance(TimeSpan.FromSeconds(1));
        var recent = sessions.Create(Alice);
        for (var i = 0; i < AdminSessions.MaxSessions; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.NotNull(sessions.Find(recent.Id));
            sessions.Create(Alice);
        }

        // The least recently used went first; the one in use stayed.
        Assert.Null(sessions.Find(first.Id));
        Assert.NotNull(sessions.Find(recent.Id));
    }
}
