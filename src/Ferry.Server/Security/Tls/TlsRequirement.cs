namespace Ferry.Server.Security.Tls;

/// <summary>When a session must use TLS (for logins, or for data connections).</summary>
public enum TlsRequirement
{
    /// <summary>TLS is offered, never required.</summary>
    Optional,

    /// <summary>Required from every address but loopback (the default: secure on the network, easy on the machine itself).</summary>
    ExceptLoopback,

    /// <summary>Required from every address.</summary>
    Everywhere,
}
