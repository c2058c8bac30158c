using Ferry.Server.Connections;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>Logging in and out: RFC 959 §4.1.1 (USER, PASS, ACCT, REIN, QUIT) and RFC 7151 (HOST).</summary>
internal static class AccessCommands
{
    public static ValueTask UserAsync(FtpConnection connection, string name)
    {
        // Secure by default: no password crosses the network in clear text (RFC 4217 §15).
        if (!IsAnonymousName(connection, name) && SecurityCommands.LoginTlsRequired(connection))
        {
            connection.Session.BeginLogin(null);
            return connection.ReplyAsync(FtpReplyCode.NotLoggedIn,
                "TLS required: this server refuses plain-text logins from your address. Enable \"explicit FTP over TLS\" (AUTH TLS) in your client (setting RequireTls).");
        }

        // RFC 959 §4.1.1: USER at any time starts a new login; the previous one ends here.
        connection.TrackLogin(null);
        connection.Session.BeginLogin(name);
        return connection.ReplyAsync(FtpReplyCode.UserNameOkay, IsAnonymousName(connection, name)
            ? "Anonymous login okay, send your e-mail address as password."
            : "Password required for " + name + ".");
    }

    public static async ValueTask PassAsync(FtpConnection connection, string password)
    {
        var session = connection.Session;
        if (session.IsLoggedIn)
        {
            await connection.ReplyAsync(FtpReplyCode.CommandSuperfluous, "Already logged in.");
            return;
        }

        if (session.PendingUserName is not { } name)
        {
            await connection.ReplyAsync(FtpReplyCode.BadSequence, "Bad sequence of commands: send USER first.");
            return;
        }

        session.PendingUserName = null;

        // A login attempt: counted (ferry.logins) and traced (ferry.login) by its result.
        // One that ends in an exception (the client gone mid-check) has no result and is not counted.
        var activity = FerryTracing.StartLogin(connection, name);
        LoginResult result;
        try
        {
            result = await LogInAsync(connection, name, password);
        }
        catch
        {
            activity?.Dispose();
            throw;
        }

        connection.Server.Metrics.Login(result);
        FerryTracing.EndLogin(activity, result);
    }

    /// <summary>Checks a PASS for <paramref name="name"/> and answers it; says how it went.</summary>
    private static async ValueTask<LoginResult> LogInAsync(FtpConnection connection, string name, string password)
    {
        var session = connection.Session;

        // A session opened before its address was banned gets no further guesses either.
        var bans = connection.Server.Bans;
        if (bans.IsBanned(connection.RemoteAddress, out var bannedUntil, out var manual))
        {
            await connection.ReplyAsync(FtpReplyCode.ServiceNotAvailable, FtpServer.BanText(bannedUntil, manual));
            connection.RequestClose();
            return LoginResult.Refused;
        }

        var anonymous = IsAnonymousName(connection, name);
        var checkStarted = connection.Server.Time.GetTimestamp();
        var options = connection.Options;
        FtpUser? user;
        DateTimeOffset? banned = null;
        if (anonymous)
        {
            user = new FtpUser(name, string.Empty, options.AnonymousRoot, UserPermissions.ReadOnly, Disabled: false);
        }
        else
        {
            // Counted from when it starts, throttled per address and per account: LoginDefences.
            var check = await connection.Server.Logins.CheckAsync(connection.Id, connection.RemoteAddress, name, password, connection.Closing);
            switch (check.Refusal)
            {
                case LoginRefusal.Banned:
                    await connection.ReplyAsync(FtpReplyCode.ServiceNotAvailable, FtpServer.BanText(check.BannedUntil!.Value));
                    connection.RequestClose();
                    return LoginResult.Refused;
                case LoginRefusal.AccountBusy:
                    // 421, not 530: the password was not checked, so "Login incorrect" would be a lie
                    // a user could believe. The same for every name, so it tells no account apart.
                    await connection.ReplyAsync(FtpReplyCode.ServiceNotAvailable, "Too many login attempts for this user name right now; try again later.");
                    connection.RequestClose();
                    return LoginResult.Refused;
            }

            user = check.User;
            banned = check.BannedUntil;
        }

        if (user is null)
        {
            FerryLog.LoginFailed(connection.Logger, connection.Id, name, connection.RemoteAddress);
            connection.Server.Events.LoginAttempted(new LoginRecord(connection.Id, connection.RemoteAddress, name, Succeeded: false, anonymous, connection.IsSecure));

            // A pause before each "wrong" answer and a cap per session slow down password guessing
            // (vsftpd: delay_failed_login=1, max_login_fails=3). The pause counts from the PASS,
            // not from the end of the check, so the answer comes at the same moment whatever the
            // check cost (the dummy hash of a missing user, an imported crypt hash, PAM): its
            // timing does not tell a missing account from a wrong password.
            var remaining = options.FailedLoginDelay - connection.Server.Time.GetElapsedTime(checkStarted);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, connection.Server.Time);
            }
            if (banned is { } until)
            {
                FerryLog.AddressBanned(connection.Logger, connection.RemoteAddress, bans.Describe(connection.RemoteAddress), until, options.BanFailedLogins, options.BanWindow);
                await connection.ReplyAsync(FtpReplyCode.ServiceNotAvailable, FtpServer.BanText(until));
                connection.RequestClose();
                return LoginResult.Failed;
            }

            if (++session.FailedLogins >= options.MaxLoginAttempts)
            {
                await connection.ReplyAsync(FtpReplyCode.ServiceNotAvailable, $"Login incorrect; {options.MaxLoginAttempts} failed attempts, closing.");
                connection.RequestClose();
                return LoginResult.Failed;
            }

            await connection.ReplyAsync(FtpReplyCode.NotLoggedIn, "Login incorrect.");
            return LoginResult.Failed;
        }

        // A per-user requirement can only be known once the account is: refused here with the same
        // hint, so the account cannot be used without TLS (the password itself has crossed already).
        if (user.RequireTls && !connection.IsSecure)
        {
            await connection.ReplyAsync(FtpReplyCode.NotLoggedIn,
                "TLS required: this account may only log in over TLS. Enable \"explicit FTP over TLS\" (AUTH TLS) in your client.");
            return LoginResult.Refused;
        }

        IFileSystem fileSystem;
        try
        {
            fileSystem = await connection.Server.FileSystemFactory.CreateAsync(user, connection.Closing);
        }
        catch (StorageException e)
        {
            FerryLog.HomeUnavailable(connection.Logger, connection.Id, name, e);
            await connection.ReplyAsync(FtpReplyCode.NotLoggedIn, "Login failed: the home directory is unavailable.");
            return LoginResult.Refused;
        }

        if (!connection.Server.SessionsPerUser.TryEnter(user.Name, connection.Options.MaxSessionsPerUser))
        {
            // The session never gets this file system: release its held root handle now, not at finalization.
            fileSystem.Dispose();
            await connection.ReplyAsync(FtpReplyCode.ServiceNotAvailable,
                $"Too many sessions of user {name} (at most {connection.Options.MaxSessionsPerUser}); closing.");
            connection.RequestClose();
            return LoginResult.Refused;
        }

        session.LogIn(user, fileSystem, anonymous);
        connection.TrackLogin(user);
        if (!anonymous)
        {
            connection.Server.Logins.LoggedIn(name, connection.RemoteAddress);
        }

        FerryLog.LoggedIn(connection.Logger, connection.Id, name);
        connection.Server.Events.LoginAttempted(new LoginRecord(connection.Id, connection.RemoteAddress, name, Succeeded: true, anonymous, connection.IsSecure));
        await connection.ReplyAsync(FtpReplyCode.UserLoggedIn, anonymous ? "Anonymous user logged in, read-only access." : "User " + name + " logged in.");
        return LoginResult.Ok;
    }

    /// <summary>RFC 959 §5.4: ACCT belongs to a login in progress or done; before USER it is out of sequence.</summary>
    public static ValueTask AcctAsync(FtpConnection connection, string account) =>
        connection.Session.IsLoggedIn || connection.Session.PendingUserName is not null
            ? connection.ReplyAsync(FtpReplyCode.CommandSuperfluous, "No account is needed on this server.")
            : connection.ReplyAsync(FtpReplyCode.BadSequence, "Bad sequence of commands: send USER first.");

    public static async ValueTask ReinAsync(FtpConnection connection, string argument)
    {
        await connection.WaitForTransferAsync();
        connection.TrackLogin(null);
        await connection.Session.ResetAsync();
        await connection.ReplyAsync(FtpReplyCode.ServiceReady, connection.Options.Banner);
    }

    public static async ValueTask QuitAsync(FtpConnection connection, string argument)
    {
        // RFC 959 §4.1.1: with a transfer in progress, its result reply comes first, then 221.
        // A client that says QUIT and then closes has ended cleanly: its upload is still committed.
        connection.ClientSaidQuit = true;
        await connection.WaitForTransferAsync();
        await connection.ReplyAsync(FtpReplyCode.ClosingControlConnection, "Goodbye.");
        connection.RequestClose();
    }

    /// <summary>RFC 7151 §3: HOST names the virtual host and must come before USER.</summary>
    public static ValueTask HostAsync(FtpConnection connection, string host)
    {
        var session = connection.Session;
        if (session.IsLoggedIn || session.PendingUserName is not null)
        {
            return connection.ReplyAsync(FtpReplyCode.BadSequence, "HOST must be sent before USER.");
        }

        session.Host = host;
        return connection.ReplyAsync(FtpReplyCode.ServiceReady, "Host " + host + " accepted.");
    }

    private static bool IsAnonymousName(FtpConnection connection, string name) =>
        connection.Options.AllowAnonymous
        && (name.Equals("anonymous", StringComparison.OrdinalIgnoreCase) || name.Equals("ftp", StringComparison.OrdinalIgnoreCase));
}
