namespace Ferry.Server.Security;

/// <summary>
/// The system-account check where it runs with the rights to do it (the privileged helper, or a
/// root process): the policy first (deny file, uid floor), then PAM on a pool thread, at most a
/// few at once so a burst of logins cannot take every thread.
/// </summary>
internal sealed class PamSystemAccountVerifier : ISystemAccountVerifier, IDisposable
{
    private readonly SystemAccountOptions _options;
    private readonly SemaphoreSlim _concurrency = new(4);

    public PamSystemAccountVerifier(SystemAccountOptions options) => _options = options;

    /// <summary>What the last refusal was for, for the caller's log (never sent to the client).</summary>
    public static string Describe(SystemAccountPolicy.Verdict verdict) => verdict switch
    {
        SystemAccountPolicy.Verdict.Listed => "listed in the deny file",
        SystemAccountPolicy.Verdict.BelowMinUid => "uid below SystemAccountMinUid",
        SystemAccountPolicy.Verdict.Unknown => "no such account",
        _ => "wrong password or account unusable (PAM)",
    };

    public async ValueTask<SystemAccount?> VerifyAsync(string name, string password, CancellationToken cancellationToken)
    {
        var (account, _) = await CheckAsync(name, password, cancellationToken);
        return account;
    }

    /// <summary>The account on success; otherwise null and why (Allowed meaning PAM said no).</summary>
    public async ValueTask<(SystemAccount? Account, SystemAccountPolicy.Verdict Verdict)> CheckAsync(
        string name, string password, CancellationToken cancellationToken)
    {
        var (verdict, account) = SystemAccountPolicy.Check(_options, name);

        // Denied names never reach PAM: root's password is not tried over FTP, and no lockout
        // (pam_faillock) is counted for them. Unknown names do go to PAM, which spends on them
        // what a real check costs, so "no such user" and "wrong password" take as long.
        if (verdict is SystemAccountPolicy.Verdict.Listed or SystemAccountPolicy.Verdict.BelowMinUid)
        {
            return (null, verdict);
        }

        await _concurrency.WaitAsync(cancellationToken);
        int status;
        try
        {
            status = await Task.Run(() => Pam.Authenticate(_options.PamService, name, password), cancellationToken);
        }
        finally
        {
            _concurrency.Release();
        }

        return status == 0 && account is not null ? (account, verdict) : (null, verdict);
    }

    public void Dispose() => _concurrency.Dispose();
}
