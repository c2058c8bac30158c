namespace Ferry.Server.Security.Tls;

/// <summary>The kinds of data connection on which a login has resumed its TLS session (adaptive policy).</summary>
[Flags]
internal enum DataTlsResumption
{
    None = 0,

    /// <summary>A PASV/EPSV connection (the client connected to us) resumed.</summary>
    Passive = 1,

    /// <summary>A PORT/EPRT connection (we connected to the client) resumed.</summary>
    Active = 2,
}
