namespace Ferry.Server.Security;

/// <summary>
/// Checks a USER/PASS pair. A missing, disabled or wrong account all cost one hash verification
/// and give the same answer (null), so neither the reply nor its timing says which it was.
/// With system accounts on, a name the store does not know is then checked against the
/// machine's accounts (PAM); a store account always wins over a system account of the same name.
/// </summary>
public sealed class Authenticator
{
    // Verified when the account does not exist, so that case costs what a real check costs.
    private static readonly string DummyHash = PasswordHasher.Hash(Guid.NewGuid().ToString());

    private readonly IUserStore _users;
    private readonly ISystemAccountVerifier? _systemAccounts;
    private readonly UserPermissions _systemAccountPermissions;
    private readonly VerifiedLoginCache _verified;

    private long _hashesVerified;

    /// <param name="users">The store, asked first.</param>
    /// <param name="systemAccounts">Checks machine accounts; null when system accounts are off.</param>
    /// <param name="systemAccountPermissions">What a system-account login may do.</param>
    /// <param name="verifiedLoginLifetime">How long a verified store login is remembered (<see cref="FtpServerOptions.VerifiedLoginCacheTime"/>); zero: never.</param>
    /// <param name="time">The clock for that; the system clock when null.</param>
    public Authenticator(
        IUserStore users,
        ISystemAccountVerifier? systemAccounts = null,
        UserPermissions systemAccountPermissions = UserPermissions.All,
        TimeSpan verifiedLoginLifetime = default,
        TimeProvider? time = null)
    {
        _users = users;
        _systemAccounts = systemAccounts;
        _systemAccountPermissions = systemAccountPermissions;
        _verified = new VerifiedLoginCache(verifiedLoginLifetime, time ?? TimeProvider.System);
    }

    /// <summary>Password hashes checked since start (cache hits not counted): the CPU a login storm or a brute force costs.</summary>
    public long PasswordHashesVerified => Interlocked.Read(ref _hashesVerified);

    public async ValueTask<FtpUser?> AuthenticateAsync(string name, string password, CancellationToken cancellationToken) =>
        await VerifyAsync(await LookUpAsync(name, password, cancellationToken), password, HashPriority.Normal, cancellationToken);

    /// <summary>
    /// The first half of a check, with no hash: finds the account and asks the verified-login
    /// cache whether this exact login verified recently. A vouched-for login is the owner's (it
    /// knows the password), so it takes the fast lane past the account throttle (<see cref="LoginDefences"/>).
    /// </summary>
    internal async ValueTask<LoginLookup> LookUpAsync(string name, string password, CancellationToken cancellationToken)
    {
        var user = await _users.FindAsync(name, cancellationToken);
        var vouched = user is { Disabled: false } && _verified.Contains(user.Name, password, user.PasswordHash);
        return new LoginLookup(name, user, vouched);
    }

    /// <summary>
    /// The second half: the password against the account's hash, queued at <paramref name="priority"/>
    /// (nothing queued when the cache vouched for it). With system accounts on, a name the store
    /// does not know is then checked against the machine's accounts (PAM).
    /// </summary>
    internal async ValueTask<FtpUser?> VerifyAsync(LoginLookup lookup, string password, HashPriority priority, CancellationToken cancellationToken)
    {
        var user = lookup.User;
        var matches = lookup.Vouched || await VerifyHashAsync(password, user, priority, cancellationToken);
        if (user is not null || _systemAccounts is null)
        {
            return matches && user is { Disabled: false } ? user : null;
        }

        // An unknown name has paid the dummy hash like every store login; PAM adds its own cost,
        // the same for a wrong password as for an unknown name (pam_unix hashes either way).
        var account = await _systemAccounts.VerifyAsync(lookup.Name, password, cancellationToken);
        return account is null
            ? null
            : new FtpUser(account.Name, PasswordHash: string.Empty, account.Home, _systemAccountPermissions, Disabled: false);
    }

    /// <summary>The password against the account's hash (the dummy one when there is no account), unless that exact login verified recently.</summary>
    private async ValueTask<bool> VerifyHashAsync(string password, FtpUser? user, HashPriority priority, CancellationToken cancellationToken)
    {
        if (user is not null && _verified.Contains(user.Name, password, user.PasswordHash))
        {
            return true;
        }

        return await HashingThreads.RunAsync(() =>
        {
            // The same login may have verified while this one queued (a mirror opening eight
            // sessions at once, a login storm): then only the first of them pays the hash. The
            // result is remembered here, on the hashing thread, before the next queued check runs.
            if (user is not null && _verified.Contains(user.Name, password, user.PasswordHash))
            {
                return true;
            }

            Interlocked.Increment(ref _hashesVerified);
            var matches = PasswordHasher.Verify(password, user?.PasswordHash ?? DummyHash);
            if (matches && user is not null)
            {
                _verified.Add(user.Name, password, user.PasswordHash);
            }

            return matches;
        }, priority).WaitAsync(cancellationToken);
    }
}
