namespace Ferry.Server.Diagnostics;

/// <summary>
/// A transfer's result as a metric tag (<c>ferry.transfer.result</c>): one of a few fixed values,
/// where <see cref="TransferRecord.Result"/> is text for people ("storage error QuotaExceeded").
/// </summary>
internal static class TransferResult
{
    public const string Ok = "ok";
    public const string Aborted = "aborted";
    public const string Stalled = "stalled";
    public const string NoConnection = "no_connection";
    public const string ConnectionLost = "connection_lost";
    public const string StorageError = "storage_error";
    public const string Truncated = "truncated";
    public const string Failed = "failed";

    /// <summary>
    /// The tag value for a record: its 226 makes it "ok" whatever the text adds; otherwise the
    /// text TransferRunner wrote decides. Anything unforeseen is "failed", never a new value.
    /// </summary>
    public static string Of(in TransferRecord transfer) => transfer.Completed ? Ok : transfer.Result switch
    {
        "aborted" => Aborted,
        "stalled" => Stalled,
        "no data connection" => NoConnection,
        "data connection lost" or "control connection lost before the upload was committed" => ConnectionLost,
        "ended without TLS close_notify" => Truncated,
        var text when text.StartsWith("storage error", StringComparison.Ordinal) => StorageError,
        _ => Failed,
    };
}
