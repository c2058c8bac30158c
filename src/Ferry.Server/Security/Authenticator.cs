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

    /// <param name="users">The store, asked first.</param>
    /// <param name="systemAccounts">Checks machine accounts; null when system accounts are off.</param>
    /// <param name="systemAccountPermissions">What a system-account login may do.</param>
    public Authenticator(IUserStore users, ISystemAccountVerifier? systemAccounts = null, UserPermissions systemAccountPermissions = UserPermissions.All)
    {
        _users = users;
        _systemAccounts = systemAccounts;
        _systemAccountPermissions = systemAccountPermissions;
    }

    public async ValueTask<FtpUser?> AuthenticateAsync(string name, string password, CancellationToken cancellationToken)
    {
        var user = await _users.FindAsync(name, cancellationToken);
        var matches = PasswordHasher.Verify(password, user?.PasswordHash ?? DummyHash);
        if (user is not null || _systemAccounts is null)
        {
            return matches && user is { Disabled: false } ? user : null;
        }

        // An unknown name has paid the dummy hash like every store login; PAM adds its own cost,
        // the same for a wrong password as for an unknown name (pam_unix hashes either way).
        var account = await _systemAccounts.VerifyAsync(name, password, cancellationToken);
        return account is null
            ? null
            : new FtpUser(account.Name, PasswordHash: string.Empty, account.Home, _systemAccountPermissions, Disabled: false);
    }
}
