using Microsoft.Win32.SafeHandles;

namespace Ferry.Server.Storage.Local;

/// <summary>An open DIR* from opendir(3), closed exactly once with closedir(3) however the listing ends.</summary>
internal sealed class SafeDirectoryHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>For the interop marshaller, which creates the handle and sets the pointer.</summary>
    public SafeDirectoryHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => DirectoryNative.CloseDirectory(handle) == 0;
}
