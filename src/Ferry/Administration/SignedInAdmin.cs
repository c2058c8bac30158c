namespace Ferry.Administration;

/// <summary>The answer to a sign-in and to GET /api/auth/me; <see cref="CsrfToken"/> is null for a token caller.</summary>
internal sealed record SignedInAdmin(string Name, string Role, string? CsrfToken);
