using Ferry.Server.Security;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Protocol;

/// <summary>
/// A remembered login never outlives what it was checked against: a new password, a disabled
/// account or a deleted one take effect at the next login, not when the cache entry expires.
/// </summary>
public sealed class VerifiedLoginTests
{
    private static Task<TestServer> StartAsync() =>
        TestServer.StartAsync(options =>
        {
            options.VerifiedLoginCacheTime = TimeSpan.FromHours(1);

            // Twenty logins in flight at once from 127.0.0.1: past the default per-address budget of
            // connections not logged in (16), which is not what these tests are about.
            options.MaxUnauthenticatedSessionsPerAddress = 0;
        });

    [Fact]
    public async Task After_a_password_change_the_old_password_fails_and_the_new_one_works()
    {
        await using var server = await StartAsync();
        await (await server.ConnectAsync()).DisposeAsync();
        var alice = (await server.Users.FindAsync(TestServer.UserName, CancellationToken.None))!;
        await server.Users.UpdateAsync(alice with { PasswordHash = PasswordHasher.Hash("a new password", TestServer.TestHashIterations) }, CancellationToken.None);

        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("USER " + TestServer.UserName, 331);
        await ftp.CommandAsync("PASS " + TestServer.Password, 530);
        await ftp.LoginAsync(TestServer.UserName, "a new password");
    }

    [Fact]
    public async Task A_disabled_or_deleted_account_is_refused_although_its_login_was_remembered()
    {
        await using var server = await StartAsync();
        await (await server.ConnectAsync()).DisposeAsync();
        var alice = (await server.Users.FindAsync(TestServer.UserName, CancellationToken.None))!;
        await server.Users.UpdateAsync(alice with { Disabled = true }, CancellationToken.None);

        await using (var ftp = await server.ConnectAsync(login: false))
        {
            await ftp.CommandAsync("USER " + TestServer.UserName, 331);
            await ftp.CommandAsync("PASS " + TestServer.Password, 530);
        }

        await server.Users.DeleteAsync(TestServer.UserName, CancellationToken.None);
        await using var again = await server.ConnectAsync(login: false);
        await again.CommandAsync("USER " + TestServer.UserName, 331);
        await again.CommandAsync("PASS " + TestServer.Password, 530);
    }

    [Fact]
    public async Task Repeated_logins_of_one_user_keep_working()
    {
        await using var server = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await using var ftp = await server.ConnectAsync();
            await ftp.CommandAsync("PWD", 257);
        }
    }

    /// <summary>
    /// Twenty sessions send the same right password at once against a hash slow enough for them
    /// to queue for the per-core hashing slots: the ones that queued find the first one's result
    /// and pay no hash of their own.
    /// </summary>
    [Fact]
    public async Task Simultaneous_logins_with_the_same_password_pay_the_hash_about_once()
    {
        await using var server = await StartAsync();
        var alice = (await server.Users.FindAsync(TestServer.UserName, CancellationToken.None))!;
        await server.Users.UpdateAsync(alice with { PasswordHash = PasswordHasher.Hash(TestServer.Password, 200_000) }, CancellationToken.None);
        var clients = new List<WireClient>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var ftp = await server.ConnectAsync(login: false);
                clients.Add(ftp);
                await ftp.CommandAsync("USER " + TestServer.UserName, 331);
            }

            var before = server.Server.Authenticator.PasswordHashesVerified;
            await Task.WhenAll(clients.Select(ftp => ftp.CommandAsync("PASS " + TestServer.Password, 230)));
            var hashes = server.Server.Authenticator.PasswordHashesVerified - before;
            Assert.InRange(hashes, 1, Environment.ProcessorCount);
        }
        finally
        {
            foreach (var ftp in clients)
            {
                await ftp.DisposeAsync();
            }
        }
    }
}
