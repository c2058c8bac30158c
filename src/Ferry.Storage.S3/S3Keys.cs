using System.IO.Hashing;
using System.Text;
using Ferry.Server.Storage;

namespace Ferry.Storage.S3;

/// <summary>
/// How a user's paths become keys: the user's root prefix, then the path without its leading
/// '/'. A folder is the prefix "path/", and exists when any key starts with it; MKD makes that
/// true for an empty folder with a zero-byte marker object whose key is the prefix itself.
/// </summary>
internal sealed class S3Keys(string root)
{
    public string Root { get; } = root;

    /// <summary>The object key of a file.</summary>
    public string File(VirtualPath path) => path.IsRoot ? Root : Root + path.Value[1..];

    /// <summary>The prefix of a folder's contents, which is also its marker's key.</summary>
    public string Folder(VirtualPath path) => path.IsRoot ? Root : Root + path.Value[1..] + "/";

    /// <summary>A stable id for the MLSx "unique" fact (RFC 3659 §7.5.2): the key's 128-bit hash.</summary>
    public static UInt128 IdOf(string key) => XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(key));
}
