namespace Ferry.Server.Security;

/// <summary>
/// Checks a USER/PASS pair. A missing, disabled or wrong account all cost one hash verification
/// and give the same answer (null), so neither the reply nor its timing says which it was.
/// </summary>
public sealed class Authenticator
{
    // Verified when the account does not exist, so that case costs what a real check costs.
    private static readonly string DummyHash = PasswordHasher.Hash(Guid.NewGuid().ToString());

    private readonly IUserStore _users;

    public Authenticator(IUserStore users) => _users = users;

    public async ValueTask<FtpUser?> AuthenticateAsync(string name, string password, CancellationToken cancellationToken)
    {
        var user = await _users.FindAsync(name, cancellationToken);
        var matches = PasswordHasher.Verify(password, user?.PasswordHash ?? DummyHash);
        return matches && user is { Disabled: false } ? user : null;
    }
}
