namespace Ferry.Server.Security;

/// <summary>What <see cref="AddressLoginGate.EnterAsync"/> decided for one password check.</summary>
internal readonly record struct GateEntry(GateEntryKind Kind, DateTimeOffset Until)
{
    public bool Admitted => Kind is GateEntryKind.Reserved or GateEntryKind.NotCounted;

    public static GateEntry BannedUntil(DateTimeOffset until) => new(GateEntryKind.Banned, until);
}
