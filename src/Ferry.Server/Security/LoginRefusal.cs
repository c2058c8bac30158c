namespace Ferry.Server.Security;

/// <summary>Why a password was not checked at all (<see cref="PasswordCheckResult.Refusal"/>).</summary>
internal enum LoginRefusal
{
    /// <summary>It was checked: see <see cref="PasswordCheckResult.User"/>.</summary>
    None,

    /// <summary>The address is banned (perhaps by the checks it was waiting behind).</summary>
    Banned,

    /// <summary>The account's next turn is further away than <see cref="FtpServerOptions.AccountLoginThrottleMaxDelay"/>.</summary>
    AccountBusy,
}
