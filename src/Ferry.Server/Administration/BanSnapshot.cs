namespace Ferry.Server.Administration;

/// <summary>One banned address or IPv6 network (the admin API's bans list, `ferry ban list`).</summary>
/// <param name="Network">The banned address in CIDR form: "192.0.2.7/32", or the IPv6 prefix BanIPv6PrefixLength covers.</param>
/// <param name="BannedUntil">When the ban ends.</param>
/// <param name="Manual">Set by an administrator, not earned by failed logins.</param>
/// <param name="Reason">Why: the administrator's words, or "failed logins".</param>
public sealed record BanSnapshot(string Network, DateTimeOffset BannedUntil, bool Manual, string Reason);
