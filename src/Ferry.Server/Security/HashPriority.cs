namespace Ferry.Server.Security;

/// <summary>
/// Which queue a password check waits in on <see cref="HashingThreads"/>: a lower value is served
/// first, so guesses that pile up cannot sit in front of the logins most likely to be real.
/// </summary>
internal enum HashPriority
{
    /// <summary>The account's owner as far as the server can tell: its address (network) logged into this account recently.</summary>
    Trusted = 0,

    /// <summary>An address with no failed login within the ban window.</summary>
    Normal = 1,

    /// <summary>An address that has failed recently: most likely guessing, served last.</summary>
    Suspect = 2,
}
