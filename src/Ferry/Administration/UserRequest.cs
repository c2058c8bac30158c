namespace Ferry.Administration;

/// <summary>
/// The body of POST /api/users and PATCH /api/users/{name}, for the OpenAPI document (the endpoints
/// read it field by field with <see cref="JsonBody"/>). POST needs name and home; PATCH takes any
/// subset. Without a password, POST generates one and returns it once. Quotas and rate limits:
/// null is the server's default, 0 is none; rates in bytes per second. Storage: "local" (or null,
/// the default: the home folder) or "s3:NAME", a profile of Storage:S3; an S3 user needs no home.
/// </summary>
internal sealed record UserRequest(
    string? Name,
    string? Password,
    string? Home,
    IReadOnlyList<string>? Permissions,
    bool? Disabled,
    bool? RequireTls,
    long? QuotaBytes,
    long? QuotaFiles,
    long? DownloadRateLimit,
    long? UploadRateLimit,
    string? Storage);
