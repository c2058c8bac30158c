namespace Ferry.Server.Diagnostics;

/// <summary>What a PASS came to: the <c>ferry.login.result</c> tag of the <c>ferry.logins</c> metric.</summary>
internal enum LoginResult
{
    /// <summary>Logged in (anonymous logins too).</summary>
    Ok,

    /// <summary>Wrong name or password (the 530 "Login incorrect").</summary>
    Failed,

    /// <summary>Not checked or not allowed: banned address, busy account, TLS required, MaxSessionsPerUser, home unusable.</summary>
    Refused,
}
