namespace Ferry.Administration;

/// <summary>Who makes an /api request, once <see cref="AdminGate"/> has let it through.</summary>
/// <param name="Name">The admin's name, or the token's ("token 'backup'").</param>
/// <param name="Role"><see cref="AdminRoles.Admin"/> or <see cref="AdminRoles.ReadOnly"/>.</param>
/// <param name="Session">The signed-in page's session (cookie); null for a bearer token.</param>
internal sealed record AdminCaller(string Name, string Role, AdminSession? Session)
{
    /// <summary>The key under which the gate leaves the caller in HttpContext.Items.</summary>
    public const string ItemKey = "Ferry.AdminCaller";

    /// <summary>How the audit log names the caller: "admin 'alice'" or "token 'backup'".</summary>
    public string Audit => Session is null ? $"token '{Name}'" : $"admin '{Name}'";

    public static AdminCaller Of(Microsoft.AspNetCore.Http.HttpContext context) =>
        context.Items[ItemKey] as AdminCaller ?? throw new InvalidOperationException("An /api route ran without the admin gate.");
}
