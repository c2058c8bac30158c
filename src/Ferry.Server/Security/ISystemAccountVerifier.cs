namespace Ferry.Server.Security;

/// <summary>Checks a machine account's password (PAM): in the privileged helper when privileges are separated.</summary>
public interface ISystemAccountVerifier
{
    /// <summary>The account when the password is right and the account may log in by FTP; otherwise null.</summary>
    ValueTask<SystemAccount?> VerifyAsync(string name, string password, CancellationToken cancellationToken);
}
