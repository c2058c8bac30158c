namespace Ferry.Server.Security;

/// <summary>The answer of <see cref="AddressBans.TryReserve"/> for a password check about to start.</summary>
internal enum FailureReservation
{
    /// <summary>Reserved: settle it after the check.</summary>
    Reserved,

    /// <summary>Bans are off or the address is allow-listed: nothing to reserve or settle.</summary>
    NotCounted,

    /// <summary>The failures and the checks in progress already reach the threshold: wait until one settles.</summary>
    Full,

    /// <summary>The address is banned: no check at all.</summary>
    Banned,
}
