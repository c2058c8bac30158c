namespace Ferry.Server.Storage.Checksums;

/// <summary>When an upload's SHA-256 is computed (<see cref="FtpServerOptions.UploadChecksum"/>).</summary>
public enum UploadChecksumMode
{
    /// <summary>Not computed; HASH reads the file when asked.</summary>
    Off,

    /// <summary>Read back from the committed file after the 226, while it is in the page cache, and kept with it.</summary>
    AfterUpload,
}
