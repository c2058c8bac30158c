using System.Net;

namespace Ferry.Server.Diagnostics;

/// <summary>A session as it ended: for event hooks.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="RemoteAddress">The client's address.</param>
/// <param name="User">The user's name, or "-" when the session never logged in.</param>
/// <param name="Duration">From accept to the end.</param>
/// <param name="End">How it ended.</param>
internal readonly record struct SessionRecord(long SessionId, IPAddress RemoteAddress, string User, TimeSpan Duration, SessionEnd End);
