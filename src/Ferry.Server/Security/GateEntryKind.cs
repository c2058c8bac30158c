namespace Ferry.Server.Security;

/// <summary>How a password check got through <see cref="AddressLoginGate"/>, or why it did not.</summary>
internal enum GateEntryKind
{
    /// <summary>Admitted with a failure reserved against the address.</summary>
    Reserved,

    /// <summary>Admitted; bans are off or the address is allow-listed, so nothing was reserved.</summary>
    NotCounted,

    /// <summary>Refused without a check: the address is banned until <see cref="GateEntry.Until"/>.</summary>
    Banned,
}
