namespace Ferry.Server.Diagnostics;

/// <summary>An address (or IPv6 network) banned, by failed logins or by an administrator: for event hooks.</summary>
/// <param name="Network">The banned network in CIDR form.</param>
/// <param name="BannedUntil">When the ban ends.</param>
/// <param name="Manual">Set by an administrator.</param>
/// <param name="Reason">Why, in words.</param>
internal readonly record struct BanRecord(string Network, DateTimeOffset BannedUntil, bool Manual, string Reason);
