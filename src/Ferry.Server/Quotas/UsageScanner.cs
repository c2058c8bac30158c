using Ferry.Server.Storage;

namespace Ferry.Server.Quotas;

/// <summary>Counts a user's files and their bytes by walking the home through the user's own backend (so it is confined like every access).</summary>
public static class UsageScanner
{
    public static async ValueTask<(long Bytes, long Files)> ScanAsync(IFileSystem fileSystem, CancellationToken cancellationToken)
    {
        long bytes = 0, files = 0;
        var pending = new Stack<VirtualPath>();
        pending.Push(VirtualPath.Root);
        while (pending.TryPop(out var directory))
        {
            await foreach (var entry in fileSystem.ListAsync(directory, cancellationToken))
            {
                if (entry.IsDirectory)
                {
                    pending.Push(directory.Child(entry.Name));
                }
                else
                {
                    bytes += entry.Size;
                    files++;
                }
            }
        }

        return (bytes, files);
    }
}
