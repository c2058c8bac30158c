using Ferry.Server.Connections;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol;

/// <summary>What the storage behind a session can do, for the dispatcher's gate, FEAT and HELP.</summary>
internal static class StorageCapabilities
{
    /// <summary>
    /// The logged-in user's backend; before login there is none yet, so what the factory's file
    /// systems offer (FEAT is often sent before USER, RFC 2389 §3).
    /// </summary>
    public static FileSystemCapabilities Of(FtpConnection connection) =>
        connection.Session.FileSystem?.Capabilities ?? connection.Server.FileSystemFactory.Capabilities;

    /// <summary>What the missing capabilities would do, for the 502 text ("this server's storage cannot ...").</summary>
    public static string Describe(FileSystemCapabilities needed) => needed switch
    {
        FileSystemCapabilities.Append => "append to files or resume uploads",
        FileSystemCapabilities.ReadFromOffset => "resume transfers at an offset",
        FileSystemCapabilities.Rename => "rename files",
        FileSystemCapabilities.SetModificationTime => "set modification times",
        FileSystemCapabilities.SetUnixMode => "change file modes",
        _ => "do this (" + needed + ")",
    };
}
