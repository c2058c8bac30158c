namespace Ferry.Hooks;

/// <summary>
/// One event as hooks see it: the fields that apply to it, null otherwise. The payload, the
/// command's environment and its argument placeholders are all made from these (<see cref="HookFields"/>).
/// </summary>
internal sealed record HookEvent
{
    /// <summary>The event's name (<see cref="HookEventNames"/>).</summary>
    public required string Name { get; init; }

    /// <summary>Unique per event, the same in every attempt to deliver it: a receiver drops repeats by it.</summary>
    public required string Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    public long? SessionId { get; init; }

    public string? User { get; init; }

    public bool? Anonymous { get; init; }

    public string? RemoteAddress { get; init; }

    /// <summary>The FTP verb (STOR, RETR, DELE, RNTO, ...).</summary>
    public string? Verb { get; init; }

    public string? Path { get; init; }

    /// <summary>A rename's new path.</summary>
    public string? Target { get; init; }

    /// <summary>Bytes moved (a transfer) or received so far (pre-commit).</summary>
    public long? Size { get; init; }

    public string? Sha256 { get; init; }

    /// <summary>"upload" or "download".</summary>
    public string? Direction { get; init; }

    /// <summary>A transfer's outcome: "ok", "aborted", "data connection lost", ...</summary>
    public string? Result { get; init; }

    /// <summary>A transfer's data connection, or a login's control connection, was TLS-protected.</summary>
    public bool? Tls { get; init; }

    /// <summary>Seconds: a transfer's or a session's.</summary>
    public double? Duration { get; init; }

    /// <summary>Where an upload starts: 0, a REST offset, or -1 for APPE (pre-upload).</summary>
    public long? Offset { get; init; }

    /// <summary>How a session ended: "quit", "client-closed", "timeout", ...</summary>
    public string? End { get; init; }

    /// <summary>A ban's network (CIDR).</summary>
    public string? Network { get; init; }

    public DateTimeOffset? Until { get; init; }

    public bool? Manual { get; init; }

    public string? Reason { get; init; }

    /// <summary>Pre-commit on local storage: a path that reads the uploaded bytes.</summary>
    public string? LocalFile { get; init; }

    /// <summary>A new event id: 128 random bits in hex.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");
}
