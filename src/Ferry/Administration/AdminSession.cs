namespace Ferry.Administration;

/// <summary>
/// One signed-in page, kept server-side: the cookie holds only <see cref="Id"/>, 32 random bytes,
/// so there is nothing in it to forge or decrypt, and signing out or a restart ends it for good.
/// </summary>
/// <param name="id">The cookie's value.</param>
/// <param name="name">The admin.</param>
/// <param name="passwordHash">The admin's hash at sign-in: a changed password signs every page out.</param>
/// <param name="csrfToken">What a changing request must repeat in X-CSRF-Token.</param>
/// <param name="now">When the admin signed in.</param>
internal sealed class AdminSession(string id, string name, string passwordHash, string csrfToken, DateTimeOffset now)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public string PasswordHash { get; } = passwordHash;

    public string CsrfToken { get; } = csrfToken;

    /// <summary>The last request; the idle lifetime (Admin:SessionLifetime) counts from it.</summary>
    public DateTimeOffset LastSeen { get; set; } = now;
}
