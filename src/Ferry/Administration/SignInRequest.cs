namespace Ferry.Administration;

/// <summary>POST /api/auth/login's body (for the OpenAPI document; the endpoint reads it with <see cref="JsonBody"/>).</summary>
internal sealed record SignInRequest(string Name, string Password);
