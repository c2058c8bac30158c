namespace Ferry.Server.Diagnostics;

/// <summary>Which connection a TLS handshake protected: the <c>ferry.tls.connection</c> tag.</summary>
internal enum TlsConnectionKind
{
    Control,
    Data,
}
