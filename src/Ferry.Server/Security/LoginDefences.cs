using System.Net;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Security;

/// <summary>
/// The way of one password through the brute-force defences (issue 11, finding 4), in order:
/// <list type="number">
/// <item>the address gate (<see cref="AddressLoginGate"/>): a turn among the address's checks, with a
/// failure reserved against the ban threshold before any hash, or a refusal when it is banned;</item>
/// <item>the fast lane: a login the verified-login cache vouches for, or from an address that logged
/// into this account recently (<see cref="RecentLoginAddresses"/>), skips the next step;</item>
/// <item>the account's turn (<see cref="AccountLoginThrottle"/>): a delay when the account is being
/// guessed from many addresses, or a refusal when its turn is too far away;</item>
/// <item>the check itself, queued by priority on <see cref="HashingThreads"/> (the owner's usual
/// address first, addresses that have failed last);</item>
/// <item>the settlement: a failure kept against the address and the account, or released on success.</item>
/// </list>
/// </summary>
internal sealed class LoginDefences
{
    private FtpServerOptions _options;
    private readonly AddressBans _bans;
    private readonly Authenticator _authenticator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public LoginDefences(FtpServerOptions options, AddressBans bans, Authenticator authenticator, TimeProvider time, ILogger logger)
    {
        _options = options;
        _bans = bans;
        _authenticator = authenticator;
        _time = time;
        _logger = logger;
        Addresses = new AddressLoginGate(bans, options);
        Accounts = new AccountLoginThrottle(options, time);
        RecentLogins = new RecentLoginAddresses(time);
    }

    /// <summary>A reload: new login limits for the next attempts; what was counted stays.</summary>
    public void Reconfigure(FtpServerOptions options)
    {
        Addresses.Reconfigure(options);
        Accounts.Reconfigure(options);
        _options = options;
    }

    public AddressLoginGate Addresses { get; }

    public AccountLoginThrottle Accounts { get; }

    public RecentLoginAddresses RecentLogins { get; }

    /// <summary>Checks <paramref name="password"/> for <paramref name="name"/> from <paramref name="address"/>, through every defence.</summary>
    public async ValueTask<PasswordCheckResult> CheckAsync(long sessionId, IPAddress address, string name, string password, CancellationToken cancellationToken)
    {
        var entry = await Addresses.EnterAsync(address, ahead => FerryLog.LoginWaitsForAddress(_logger, sessionId, address, ahead), cancellationToken);
        if (!entry.Admitted)
        {
            FerryLog.LoginRefusedWhileBanned(_logger, sessionId, address, entry.Until);
            return new PasswordCheckResult(null, LoginRefusal.Banned, entry.Until);
        }

        var turn = default(AccountLoginThrottle.Turn);
        FtpUser? user;
        bool fastLane;
        try
        {
            var lookup = await _authenticator.LookUpAsync(name, password, cancellationToken);
            // An allow-listed address (loopback by default) is one the administrator vouches for: a
            // local script or a load test logging many sessions into one account at once has all of
            // them pending before the first succeeds, which would otherwise look like guessing.
            var trusted = RecentLogins.Contains(name, _bans.Key(address)) || _bans.IsAllowListed(address);
            fastLane = lookup.Vouched || trusted;
            if (fastLane)
            {
                FerryLog.LoginFastLane(_logger, sessionId, name, address,
                    lookup.Vouched ? "verified-login cache" : _bans.IsAllowListed(address) ? "allow-listed address" : "recent login from this address");
            }
            else
            {
                turn = Accounts.TakeTurn(name);
                if (turn.ThrottlingStarted)
                {
                    FerryLog.AccountThrottled(_logger, name, turn.RecentFailures, _options.BanWindow, _options.AccountLoginThrottleMaxDelay);
                }

                if (turn.Refused)
                {
                    FerryLog.LoginRefusedForAccount(_logger, sessionId, name, address, turn.Wait);
                    Addresses.Leave(address, entry, failed: false);
                    return new PasswordCheckResult(null, LoginRefusal.AccountBusy, null);
                }

                if (turn.Wait > TimeSpan.Zero)
                {
                    FerryLog.LoginDelayedForAccount(_logger, sessionId, name, address, turn.Wait);
                    await Task.Delay(turn.Wait, _time, cancellationToken);
                }
            }

            var priority = trusted ? HashPriority.Trusted
                : _bans.HasRecentFailures(address) ? HashPriority.Suspect
                : HashPriority.Normal;
            user = await _authenticator.VerifyAsync(lookup, password, priority, cancellationToken);
        }
        catch
        {
            // The check never finished (the session closed, the store failed): nothing is counted.
            Accounts.Settle(turn, failed: false);
            Addresses.Leave(address, entry, failed: false);
            throw;
        }

        var failed = user is null;
        if (failed && fastLane)
        {
            // The owner's address mistyping still counts for the account, like any failure.
            Accounts.RecordFailure(name);
        }

        Accounts.Settle(turn, failed);
        var bannedUntil = Addresses.Leave(address, entry, failed);
        return new PasswordCheckResult(user, LoginRefusal.None, bannedUntil);
    }

    /// <summary>A login went through: its address vouches for the next ones of this account.</summary>
    public void LoggedIn(string name, IPAddress address) => RecentLogins.Add(name, _bans.Key(address));
}
