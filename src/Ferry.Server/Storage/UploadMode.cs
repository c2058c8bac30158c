namespace Ferry.Server.Storage;

/// <summary>How an upload treats what is already at its path (RFC 959 §4.1.3, RFC 3659 §5).</summary>
public enum UploadMode
{
    /// <summary>STOR: the file ends up holding exactly the uploaded bytes, created or replaced.</summary>
    Replace,

    /// <summary>STOU, and STOR without the Overwrite permission: the path must not exist yet (AlreadyExists otherwise).</summary>
    CreateNew,

    /// <summary>REST n then STOR: bytes from the offset on are replaced by the upload; the file must hold at least that many.</summary>
    Resume,

    /// <summary>APPE: the upload is added to the end, creating the file when it is missing.</summary>
    Append,
}
