namespace Ferry.Administration;

/// <summary>One listening endpoint: kind "ftp", "ftps-implicit", "http" or "https" (the operations listener with Operations:Tls).</summary>
internal sealed record ListenerView(string Kind, string Endpoint);
