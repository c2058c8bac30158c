using System.Net;

namespace Ferry.Server.Diagnostics;

/// <summary>A login that succeeded or failed (a wrong password or unknown user): for event hooks.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="RemoteAddress">The client's address.</param>
/// <param name="User">The name the client gave (as received: never trust it in a shell).</param>
/// <param name="Succeeded">True for 230; false for a refused password or an unknown user.</param>
/// <param name="Anonymous">An anonymous login.</param>
/// <param name="Tls">The control connection is TLS-protected.</param>
internal readonly record struct LoginRecord(long SessionId, IPAddress RemoteAddress, string User, bool Succeeded, bool Anonymous, bool Tls);
