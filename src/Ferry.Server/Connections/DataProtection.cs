namespace Ferry.Server.Connections;

/// <summary>PROT (RFC 4217 §9): whether data connections are TLS-protected.</summary>
internal enum DataProtection
{
    Clear,
    Private,
}
