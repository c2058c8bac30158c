namespace Ferry.Administration;

/// <summary>The FTP server's TLS certificate: who it names and when it expires.</summary>
internal sealed record CertificateView(string Subject, DateTimeOffset NotAfter, int DaysLeft);
