using System.Net;

namespace Ferry.Server.Security;

/// <summary>An upload put to an <see cref="IUploadPolicy"/>.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="RemoteAddress">The client's address.</param>
/// <param name="User">The logged-in user.</param>
/// <param name="Verb">STOR, STOU or APPE.</param>
/// <param name="Path">Where the file goes, as the user sees it.</param>
/// <param name="Offset">Where the upload starts: 0, a REST offset, or -1 for APPE.</param>
/// <param name="Bytes">Bytes received (0 before the upload).</param>
/// <param name="LocalFile">
/// At commit time on local storage: a path that reads the uploaded bytes (the upload's own open
/// descriptor under /proc, so no rename or symlink can swap the file); null otherwise.
/// </param>
internal sealed record UploadCheck(long SessionId, IPAddress RemoteAddress, string User, string Verb, string Path, long Offset, long Bytes, string? LocalFile);
