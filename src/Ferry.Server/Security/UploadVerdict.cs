namespace Ferry.Server.Security;

/// <summary>An <see cref="IUploadPolicy"/>'s answer.</summary>
/// <param name="Allowed">True: the upload goes on.</param>
/// <param name="QuotaLike">A refusal for lack of room (552, RFC 959 "exceeded storage allocation") rather than a policy one (550).</param>
/// <param name="Reason">What the client reads after the code; one line, sanitised by the engine.</param>
internal readonly record struct UploadVerdict(bool Allowed, bool QuotaLike = false, string? Reason = null)
{
    public static UploadVerdict Allow => new(true);

    public static UploadVerdict Refuse(string reason, bool quotaLike = false) => new(false, quotaLike, reason);
}
