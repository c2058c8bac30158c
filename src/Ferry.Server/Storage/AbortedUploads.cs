namespace Ferry.Server.Storage;

/// <summary>What becomes of the bytes an aborted upload wrote (ABOR, the client gone, a stall, the server stopping).</summary>
public enum AbortedUploads
{
    /// <summary>
    /// Kept where a resuming client finds them but a reader of the folder does not: under a
    /// hidden name beside the target that no listing shows, whose size SIZE answers for a name
    /// with no file, and that REST+STOR or APPE to that name continue.
    /// </summary>
    Keep,

    /// <summary>Removed: only a finished upload leaves anything behind.</summary>
    Delete,
}
